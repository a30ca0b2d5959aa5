"""API keys: hashed at rest, revocable, scoped, and throttled per key and per real client address."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.test import APIClient

from core.clock import now
from helpdesk.api.throttles import AnonThrottle
from helpdesk.models import ApiKey, ApiScope
from helpdesk.services.api_keys import create_api_key, revoke_api_key
from helpdesk.tests.factories import (
    PASSWORD,
    AgentFactory,
    CategoryFactory,
    CustomerFactory,
    UserFactory,
    submit,
)
from helpdesk.tests.test_api import API_GOOD

pytestmark = pytest.mark.django_db

READ = [ApiScope.TICKETS_READ]
READ_WRITE = [ApiScope.TICKETS_READ, ApiScope.TICKETS_WRITE]


def bearer(plain: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client


def test_a_key_authenticates_as_its_owner_and_only_a_hash_is_stored():
    ticket = submit()
    key, plain = create_api_key(owner=ticket.requester, name="ERP sync", scopes=READ)
    assert plain.startswith(f"kx_{key.prefix}_")
    stored = ApiKey.objects.get(pk=key.pk)
    secret = plain.rsplit("_", 1)[1]
    assert secret not in stored.hashed_secret and secret not in str(stored.__dict__)
    response = bearer(plain).get("/api/v1/tickets/")
    assert response.status_code == 200
    assert [t["reference"] for t in response.json()["results"]] == [ticket.reference]


def test_the_x_api_key_header_works_too():
    key, plain = create_api_key(owner=CustomerFactory(), name="ci", scopes=READ)
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=plain)
    assert client.get("/api/v1/tickets/").status_code == 200


@pytest.mark.parametrize(
    "mangle", [lambda p: p[:-1] + ("A" if p[-1] != "A" else "B"), lambda p: "kx_00000000_x"]
)
def test_an_unknown_key_is_a_401(mangle):
    _key, plain = create_api_key(owner=CustomerFactory(), name="ci", scopes=READ)
    response = bearer(mangle(plain)).get("/api/v1/tickets/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown or revoked API key."


def test_a_revoked_key_is_a_401_and_the_owners_password_still_signs_in(client):
    owner = CustomerFactory()
    key, plain = create_api_key(owner=owner, name="ci", scopes=READ)
    revoke_api_key(key=key, actor=owner)
    assert bearer(plain).get("/api/v1/tickets/").status_code == 401
    response = client.post("/account/login/", {"username": owner.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_only_the_owner_or_a_superuser_revokes():
    key, _plain = create_api_key(owner=CustomerFactory(), name="ci", scopes=READ)
    with pytest.raises(PermissionDenied):
        revoke_api_key(key=key, actor=CustomerFactory())
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None


def test_a_read_key_cannot_create_a_ticket_and_a_write_key_can():
    owner, category = CustomerFactory(), CategoryFactory()
    body = {**API_GOOD, "category": category.slug}
    _key, read = create_api_key(owner=owner, name="read", scopes=READ)
    assert bearer(read).post("/api/v1/tickets/", body, format="json").status_code == 403
    _key, write = create_api_key(owner=owner, name="write", scopes=READ_WRITE)
    response = bearer(write).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201, response.json()


def test_any_valid_key_reads_categories():
    CategoryFactory()
    _key, plain = create_api_key(owner=CustomerFactory(), name="kb", scopes=[ApiScope.KB_READ])
    assert bearer(plain).get("/api/v1/categories/").status_code == 200
    assert bearer(plain).get("/api/v1/tickets/").status_code == 403


def test_last_used_is_written_at_most_once_a_minute():
    key, plain = create_api_key(owner=CustomerFactory(), name="ci", scopes=READ)
    start = now()
    with time_machine.travel(start, tick=False):
        bearer(plain).get("/api/v1/tickets/")
    key.refresh_from_db()
    assert key.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        bearer(plain).get("/api/v1/tickets/")
    key.refresh_from_db()
    assert key.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        bearer(plain).get("/api/v1/tickets/")
    key.refresh_from_db()
    assert key.last_used_at == start + timedelta(seconds=61)


@pytest.fixture
def tiny_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "2/min", "key": "2/min"},
    }
    cache.clear()
    yield
    cache.clear()


def test_a_key_past_its_rate_gets_a_429_with_retry_after(tiny_rates):
    _key, plain = create_api_key(owner=CustomerFactory(), name="ci", scopes=READ)
    client = bearer(plain)
    assert [client.get("/api/v1/tickets/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/tickets/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Another key of the same owner has its own bucket.
    _key, other = create_api_key(owner=_key.owner, name="other", scopes=READ)
    assert bearer(other).get("/api/v1/tickets/").status_code == 200


@pytest.mark.parametrize("proxies", [0, 1])
def test_a_forged_x_forwarded_for_does_not_open_a_new_bucket(tiny_rates, settings, proxies, rf):
    # Anonymous API requests are refused before throttling, so the address bucket is tested
    # on the throttle itself; it is the one any anonymous endpoint would get.
    settings.TRUSTED_PROXY_COUNT = proxies

    def anonymous(forged: str):
        request = rf.get("/api/v1/categories/", HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.7")
        request.user = AnonymousUser()
        return Request(request)

    allowed = [AnonThrottle().allow_request(anonymous(f"203.0.113.{n}"), view=None) for n in range(3)]
    assert allowed == [True, True, False]


def test_an_agent_creates_a_key_in_the_admin_and_sees_it_once(client):
    agent = AgentFactory()
    client.force_login(agent)
    response = client.post(
        "/admin/helpdesk/apikey/add/", {"name": "Zapier", "scopes": [ApiScope.TICKETS_READ]}, follow=True
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(owner=agent)
    shown = [str(m) for m in response.context["messages"] if f"kx_{key.prefix}_" in str(m)]
    assert len(shown) == 1
    plain = shown[0].rsplit(" ", 1)[1]
    assert bearer(plain).get("/api/v1/tickets/").status_code == 200
    assert f"kx_{key.prefix}_" not in client.get("/admin/helpdesk/apikey/").content.decode()


def test_the_admin_lists_only_the_agents_own_keys_and_revokes_them(client):
    agent = AgentFactory()
    mine, _plain = create_api_key(owner=agent, name="mine", scopes=READ)
    theirs, _plain = create_api_key(owner=AgentFactory(), name="theirs", scopes=READ)
    client.force_login(agent)
    page = client.get("/admin/helpdesk/apikey/")
    assert list(page.context["cl"].queryset) == [mine]
    client.post(
        "/admin/helpdesk/apikey/", {"action": "revoke", "_selected_action": [mine.pk, theirs.pk]}, follow=True
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None


def test_a_superuser_sees_every_key(client):
    create_api_key(owner=AgentFactory(), name="a", scopes=READ)
    create_api_key(owner=CustomerFactory(), name="b", scopes=READ)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/helpdesk/apikey/").context["cl"].result_count == 2


def test_the_refusal_is_translated():
    client = bearer("kx_00000000_nothing")
    response = client.get("/api/v1/tickets/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 401
    assert response.json()["detail"] == "API 密钥不存在或已被吊销。"


def test_only_those_who_may_read_reports_give_a_key_the_reports_scope():
    from django.core.exceptions import ValidationError

    from helpdesk.services.api_keys import scopes_for

    customer = CustomerFactory()
    assert ApiScope.REPORTS_READ not in scopes_for(customer)
    with pytest.raises(ValidationError, match="may not give a key this scope: reports:read"):
        create_api_key(owner=customer, name="BI", scopes=[ApiScope.REPORTS_READ])
    assert not ApiKey.objects.filter(owner=customer).exists()
