"""A NUL byte in a path, a query or a form field is refused with a 400 before any view runs."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/kb/category/%00/", None),
        ("get", "/search/?q=a%00b", None),
        ("post", "/account/register/", {"email": "a\x00@example.com"}),
    ],
)
def test_a_nul_byte_anywhere_is_a_400(client, method, url, data):
    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code == 400
