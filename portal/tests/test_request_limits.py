"""Bodies larger than any form needs are refused with a friendly page, and nothing is saved."""

import pytest
from django.urls import reverse

from helpdesk.models import Ticket

pytestmark = pytest.mark.django_db


def test_a_3_mb_urlencoded_body_is_a_friendly_413(customer_client):
    response = customer_client.post(
        reverse("portal:submit_details"),
        data="symptoms=" + "x" * (3 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "That was too much at once" in response.content.decode()
    assert not Ticket.objects.exists()


def test_too_many_fields_is_refused_too(customer_client):
    body = "&".join(f"f{i}=x" for i in range(1000))
    response = customer_client.post(
        reverse("portal:submit_details"), data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "larger than we accept" in response.content.decode()
