"""The API's contract with integrators: what a customer may never set, the allow-listed
query parameters, keyset pages, idempotent POSTs, throttles and revoked keys."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.clock import now
from helpdesk.models import ApiScope, IdempotentRequest, Ticket, TicketMessage
from helpdesk.services.api_keys import create_api_key, revoke_api_key
from helpdesk.tests.factories import CategoryFactory, CustomerFactory, submit
from helpdesk.tests.test_api import API_GOOD

from .api_world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def body():
    return {
        **API_GOOD,
        "subject": "插件回写超时：收款单没有生成凭证",
        "category": CategoryFactory(slug="posting").slug,
    }


# --- Field-level write protection -------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("status", "resolved"),
        ("assignee", "chen.agent@vendor.example"),
        ("priority", "p1"),
        ("organization", "前海"),
        ("requester", "someone@example.com"),
        ("channel", "phone"),
        ("needs_details", False),
        ("quality_score", 100),
        ("created_at", "2020-01-01T00:00:00Z"),
        ("first_response_due_at", "2030-01-01T00:00:00Z"),
        ("first_response_breached", False),
        ("team", "金蝶组"),
    ],
)
def test_a_customer_can_never_set_workflow_fields_timestamps_or_internal_flags(world, body, field, value):
    response = world.client("customer_a").post("/api/v1/tickets/", {**body, field: value}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not Ticket.objects.filter(subject=body["subject"]).exists()


@pytest.mark.parametrize(
    "field, value",
    [("internal", True), ("status", "closed"), ("author", 1), ("created_at", "2020-01-01T00:00:00Z")],
)
def test_a_customer_reply_cannot_carry_agent_fields(world, field, value):
    response = world.client("customer_a").post(
        f"/api/v1/tickets/{world.ticket_a.pk}/reply/", {"body": "补充说明", field: value}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == [field]
    assert not world.ticket_a.messages.exists()


def test_patch_is_refused_for_fields_that_are_not_properties(world):
    client = world.client("agent")
    version = client.get(f"/api/v1/tickets/{world.ticket_a.pk}/").json()["version"]
    response = client.patch(
        f"/api/v1/tickets/{world.ticket_a.pk}/",
        {"version": version, "resolved_at": "2020-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["resolved_at"]


# --- Files --------------------------------------------------------------------------------------

LOG = b"2025-11-03 09:30:01 ERROR ERR-4012 account 1122 missing\n"


def test_a_ticket_opens_with_a_log_file_in_one_multipart_request(world, body):
    payload = {k: ("true" if v is True else v) for k, v in body.items()}
    payload["files"] = [SimpleUploadedFile("plugin.log", LOG, content_type="text/plain")]
    response = world.client("customer_a").post("/api/v1/tickets/", payload, format="multipart")
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(pk=response.json()["id"])
    stored = ticket.attachments.get()
    assert (stored.original_name, stored.size) == ("plugin.log", len(LOG))
    listed = world.client("customer_a").get(f"/api/v1/tickets/{ticket.pk}/attachments/").json()
    assert listed[0]["download_url"] == f"http://testserver/api/v1/attachments/{stored.pk}/download/"


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
            "this file type is not accepted",
        ),
        (
            SimpleUploadedFile("shot.png", b"not a png at all", content_type="image/png"),
            "does not look like a .png file",
        ),
        (SimpleUploadedFile("empty.log", b"", content_type="text/plain"), "is empty"),
    ],
)
def test_a_reply_with_a_file_the_portal_would_refuse_is_refused_and_saves_nothing(world, upload, message):
    response = world.client("customer_a").post(
        f"/api/v1/tickets/{world.ticket_a.pk}/reply/",
        {"body": "截图见附件", "files": [upload]},
        format="multipart",
    )
    assert response.status_code == 400
    assert message in response.json()["errors"]["files"][0]
    assert not world.ticket_a.messages.exists()


def test_more_files_than_the_limit_are_refused(world, settings):
    files = [
        SimpleUploadedFile(f"{n}.log", LOG, content_type="text/plain")
        for n in range(settings.ATTACHMENT_MAX_PER_MESSAGE + 1)
    ]
    response = world.client("customer_a").post(
        f"/api/v1/tickets/{world.ticket_a.pk}/reply/", {"body": "日志", "files": files}, format="multipart"
    )
    assert response.status_code == 400 and "files" in response.json()["errors"]


# --- Query parameters by allow-list ------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["statuz=open", "requester=1", "ordering=symptoms", "ordering=-requester__email", "page=2"]
)
def test_an_unknown_filter_or_ordering_is_a_400_naming_it(world, query):
    response = world.client("agent").get(f"/api/v1/tickets/?{query}")
    assert response.status_code == 400
    name = query.split("=")[0]
    assert list(response.json()["errors"]) == [name]
    assert response.json()["code"] == "invalid"


def test_ordering_and_search_work_on_the_allow_listed_fields(world):
    client = world.client("agent")
    Ticket.objects.filter(pk=world.ticket_b.pk).update(priority="p1", subject="用友 U8 接口超时")
    by_priority = client.get("/api/v1/tickets/?ordering=priority").json()["results"]
    assert by_priority[0]["reference"] == world.ticket_b.reference
    found = client.get("/api/v1/tickets/?search=接口超时").json()["results"]
    assert [t["reference"] for t in found] == [world.ticket_b.reference]
    assert len(client.get("/api/v1/tickets/?ordering=-created_at&status=new").json()["results"]) == 3


def test_filters_name_people_and_teams_by_what_the_caller_sees(world):
    from helpdesk.services.tickets import assign_ticket

    assign_ticket(ticket=world.ticket_a, assignee=world.agent, actor=world.agent)
    client = world.client("agent")
    mine = client.get("/api/v1/tickets/", {"assignee": world.agent.email}).json()["results"]
    assert [t["reference"] for t in mine] == [world.ticket_a.reference]
    assert len(client.get("/api/v1/tickets/?unassigned=true").json()["results"]) == 2
    assert client.get("/api/v1/tickets/?status=bogus").status_code == 400


def test_ticket_pages_are_keyset_and_an_insert_neither_shifts_nor_repeats_a_row(world):
    client = world.client("agent")
    start = now()
    for n in range(4):
        submit(now=start + timedelta(minutes=n + 1))
    before = [t.reference for t in Ticket.objects.order_by("-created_at", "-pk")]
    first = client.get("/api/v1/tickets/?page_size=3").json()
    newest = submit(now=start + timedelta(minutes=10))  # lands before page 1
    second = client.get(first["next"]).json()
    seen = [t["reference"] for t in first["results"] + second["results"]]
    assert seen == before[:6]
    assert newest.reference not in seen
    assert "count" not in first


# --- Idempotency-Key on every POST -------------------------------------------------------------


def test_the_same_key_on_a_reply_gives_the_same_answer_and_one_message(world):
    client = world.client("customer_a")
    url = f"/api/v1/tickets/{world.ticket_a.pk}/reply/"
    headers = {"Idempotency-Key": "erp-reply-7"}
    first = client.post(url, {"body": "补充：日志见附件"}, format="json", headers=headers)
    again = client.post(url, {"body": "补充：日志见附件"}, format="json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert world.ticket_a.messages.filter(kind=TicketMessage.Kind.CUSTOMER_REPLY).count() == 1


def test_the_same_key_on_ticket_creation_returns_the_first_ticket(world, body):
    client = world.client("customer_a")
    first = client.post("/api/v1/tickets/", body, format="json", headers={"Idempotency-Key": "crm-1"})
    again = client.post("/api/v1/tickets/", body, format="json", headers={"Idempotency-Key": "crm-1"})
    assert first.json() == again.json() and first.status_code == again.status_code == 201
    assert Ticket.objects.filter(subject=body["subject"]).count() == 1


def test_a_key_is_per_user_and_names_one_request(world):
    url = f"/api/v1/tickets/{world.ticket_a.pk}/reply/"
    headers = {"Idempotency-Key": "k-1"}
    assert (
        world.client("customer_a").post(url, {"body": "一"}, format="json", headers=headers).status_code
        == 201
    )
    # Another user with the same key is another request.
    assert (
        world.client("org_admin").post(url, {"body": "二"}, format="json", headers=headers).status_code == 201
    )
    reused = world.client("customer_a").post(
        f"/api/v1/tickets/{world.ticket_a.pk}/resolve/", {}, format="json", headers=headers
    )
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert world.ticket_a.messages.count() == 2


def test_a_refused_request_does_not_keep_its_key(world):
    client = world.client("customer_a")
    url = f"/api/v1/tickets/{world.ticket_a.pk}/reply/"
    headers = {"Idempotency-Key": "fix-and-retry"}
    assert client.post(url, {"body": ""}, format="json", headers=headers).status_code == 400
    assert not IdempotentRequest.objects.exists()
    assert client.post(url, {"body": "这次写了内容"}, format="json", headers=headers).status_code == 201


def test_a_key_is_remembered_for_a_day(world):
    from helpdesk.services import idempotency

    client = world.client("customer_a")
    url = f"/api/v1/tickets/{world.ticket_a.pk}/reply/"
    start = now()
    with time_machine.travel(start, tick=False):
        client.post(url, {"body": "第一次"}, format="json", headers={"Idempotency-Key": "daily"})
    with time_machine.travel(start + idempotency.KEEP - timedelta(minutes=1), tick=False):
        client.post(url, {"body": "第一次"}, format="json", headers={"Idempotency-Key": "daily"})
    assert world.ticket_a.messages.count() == 1
    with time_machine.travel(start + idempotency.KEEP + timedelta(minutes=1), tick=False):
        client.post(url, {"body": "第二天"}, format="json", headers={"Idempotency-Key": "daily"})
    assert world.ticket_a.messages.count() == 2
    assert IdempotentRequest.objects.filter(key="daily").count() == 1


def test_a_key_longer_than_200_characters_is_refused(world):
    response = world.client("customer_a").post(
        f"/api/v1/tickets/{world.ticket_a.pk}/resolve/",
        {},
        format="json",
        headers={"Idempotency-Key": "x" * 201},
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["Idempotency-Key"]


def test_a_retry_while_the_first_request_runs_is_told_to_come_back(world):
    from helpdesk.services import idempotency

    idempotency.claim(
        user=world.customer_a, key="busy", method="POST", path=f"/api/v1/tickets/{world.ticket_a.pk}/resolve/"
    )
    original = idempotency.WAIT_SECONDS
    idempotency.WAIT_SECONDS = 0.1
    try:
        response = world.client("customer_a").post(
            f"/api/v1/tickets/{world.ticket_a.pk}/resolve/",
            {},
            format="json",
            headers={"Idempotency-Key": "busy"},
        )
    finally:
        idempotency.WAIT_SECONDS = original
    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_in_use"


# --- Throttles and keys ----------------------------------------------------------------------


@pytest.fixture
def tiny_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "3/min", "key": "3/min"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("proxies", [0, 1])
def test_a_forged_x_forwarded_for_gets_no_new_bucket_on_an_open_endpoint(tiny_rates, settings, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    client = APIClient()
    statuses = [
        client.get("/api/v1/kb/articles/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    refused = client.get("/api/v1/kb/articles/", HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.7")
    assert refused.json()["code"] == "throttled" and int(refused["Retry-After"]) > 0


def test_a_trusted_proxy_gives_each_real_client_its_own_bucket(tiny_rates, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    for _ in range(3):
        client.get("/api/v1/kb/articles/", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client.get("/api/v1/kb/articles/", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert client.get("/api/v1/kb/articles/", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


def test_a_revoked_key_stops_working_at_once_on_every_resource(world):
    key, plain = create_api_key(
        owner=world.customer_a,
        name="ERP",
        scopes=[ApiScope.TICKETS_READ, ApiScope.TICKETS_WRITE, ApiScope.KB_READ],
    )
    client = APIClient(headers={"Authorization": f"Bearer {plain}"})
    assert client.get("/api/v1/tickets/").status_code == 200
    revoke_api_key(key=key, actor=world.customer_a)
    for method, url in [
        ("get", "/api/v1/tickets/"),
        ("get", "/api/v1/kb/articles/"),
        ("post", f"/api/v1/tickets/{world.ticket_a.pk}/reply/"),
    ]:
        response = getattr(client, method)(url, {"body": "x"} if method == "post" else None, format="json")
        assert response.status_code == 401, url
        assert response.json() == {"code": "authentication_failed", "detail": "Unknown or revoked API key."}


def test_errors_are_translated_but_codes_are_not(world):
    response = world.client("customer_a").get("/api/v1/tickets/999999/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["detail"] != "Not found."
    invalid = world.client("customer_a").get("/api/v1/tickets/?statuz=1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert invalid.json()["code"] == "invalid" and "statuz" in invalid.json()["errors"]


def test_a_customer_without_a_key_header_is_not_confused_with_another(world):
    other = CustomerFactory()
    response = world.client("customer_a").get(f"/api/v1/tickets/{world.ticket_b.pk}/")
    assert response.status_code == 404 and other.pk


# --- Query counts on the hot reads ------------------------------------------------------------


@pytest.fixture
def no_throttles(settings):
    """Throttling costs a fixed few cache queries per request; these tests count the N+1 kind."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}


# The ticket (access check), its messages with authors, their files.
CONVERSATION_QUERIES = 3


@pytest.mark.parametrize("replies", [1, 6])
def test_the_conversation_costs_the_same_few_queries_however_long(
    world, replies, django_assert_num_queries, no_throttles
):
    from helpdesk.services.conversation import add_reply

    for n in range(replies):
        add_reply(
            ticket=world.ticket_a,
            author=world.agent if n % 2 else world.customer_a,
            body=f"第 {n} 条",
            attachments=[SimpleUploadedFile(f"{n}.log", LOG, content_type="text/plain")],
        )
    client = world.client("customer_a")
    client.get(f"/api/v1/tickets/{world.ticket_a.pk}/messages/")  # warm per-process caches
    with django_assert_num_queries(CONVERSATION_QUERIES):
        response = client.get(f"/api/v1/tickets/{world.ticket_a.pk}/messages/")
    assert len(response.json()) == replies
    assert all(len(m["files"]) == 1 for m in response.json())
