"""Who may do what through the API: every ticket, file and report endpoint, for the six
callers (anonymous, customer A, customer B of another organization, A's org admin, an agent,
a manager). A ticket the caller may not see is a 404, never a 403."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk.models import Status
from helpdesk.services.conversation import add_reply
from helpdesk.services.workflow import set_status

from .api_world import make_world

pytestmark = pytest.mark.django_db

ANON = 401


@pytest.fixture
def world():
    return make_world()


def refs(response) -> set[str]:
    return {row["reference"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("anonymous", None),
        ("customer_a", {"ticket_a"}),
        ("customer_b", {"ticket_b"}),
        ("org_admin", {"ticket_a", "ticket_colleague"}),
        ("agent", {"ticket_a", "ticket_colleague", "ticket_b"}),
        ("manager", {"ticket_a", "ticket_colleague", "ticket_b"}),
    ],
)
def test_the_ticket_list_holds_what_each_caller_may_see(world, who, sees):
    response = world.client(who).get("/api/v1/tickets/")
    if sees is None:
        assert response.status_code == ANON
        assert response.json()["code"] == "not_authenticated"
        return
    assert response.status_code == 200
    assert refs(response) == {getattr(world, name).reference for name in sees}


# (caller, status for customer A's ticket) — the same for reading, its conversation and its files.
READ_A = [
    ("anonymous", ANON),
    ("customer_a", 200),
    ("customer_b", 404),
    ("org_admin", 200),
    ("agent", 200),
    ("manager", 200),
]


@pytest.mark.parametrize(("who", "expected"), READ_A)
@pytest.mark.parametrize("suffix", ["", "messages/", "attachments/"])
def test_reading_a_ticket_its_conversation_and_files(world, who, expected, suffix):
    response = world.client(who).get(f"/api/v1/tickets/{world.ticket_a.pk}/{suffix}")
    assert response.status_code == expected
    if expected == 404:
        assert response.json() == {"code": "not_found", "detail": "Not found."}


@pytest.mark.parametrize(("who", "expected"), READ_A)
def test_replying(world, who, expected):
    response = world.client(who).post(
        f"/api/v1/tickets/{world.ticket_a.pk}/reply/", {"body": "补充：错误日志见附件。"}, format="json"
    )
    assert response.status_code == (201 if expected == 200 else expected)
    assert world.ticket_a.messages.count() == (1 if expected == 200 else 0)


@pytest.mark.parametrize(("who", "expected"), READ_A)
def test_resolving(world, who, expected):
    response = world.client(who).post(f"/api/v1/tickets/{world.ticket_a.pk}/resolve/", {}, format="json")
    assert response.status_code == expected
    world.ticket_a.refresh_from_db()
    assert (world.ticket_a.status == Status.RESOLVED) == (expected == 200)


@pytest.mark.parametrize(("who", "expected"), READ_A)
def test_reopening(world, who, expected):
    set_status(ticket=world.ticket_a, status=Status.RESOLVED, actor=world.agent)
    response = world.client(who).post(
        f"/api/v1/tickets/{world.ticket_a.pk}/reopen/", {"reason": "又出现了"}, format="json"
    )
    assert response.status_code == expected
    world.ticket_a.refresh_from_db()
    assert world.ticket_a.reopen_count == (1 if expected == 200 else 0)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", ANON), ("customer_a", 201), ("customer_b", 404), ("org_admin", 201), ("agent", 403)],
)
def test_rating_is_for_the_customers_side(world, who, expected):
    set_status(ticket=world.ticket_a, status=Status.RESOLVED, actor=world.agent)
    response = world.client(who).post(
        f"/api/v1/tickets/{world.ticket_a.pk}/rate/", {"score": 5, "comment": "很快"}, format="json"
    )
    assert response.status_code == expected
    assert world.ticket_a.ratings.filter(score=5).exists() == (expected == 201)


def test_a_resolution_is_rated_once(world):
    set_status(ticket=world.ticket_a, status=Status.RESOLVED, actor=world.agent)
    client = world.client("customer_a")
    assert (
        client.post(f"/api/v1/tickets/{world.ticket_a.pk}/rate/", {"score": 4}, format="json").status_code
        == 201
    )
    again = client.post(f"/api/v1/tickets/{world.ticket_a.pk}/rate/", {"score": 1}, format="json")
    assert again.status_code == 400
    assert again.json()["errors"] == {"score": ["There is no resolution waiting for a rating."]}


AGENTS_ONLY = [
    ("anonymous", ANON),
    ("customer_a", 403),
    ("customer_b", 404),
    ("org_admin", 403),
    ("agent", 200),
    ("manager", 200),
]


@pytest.mark.parametrize(("who", "expected"), AGENTS_ONLY)
def test_changing_properties_is_for_agents(world, who, expected):
    client = world.client(who)
    version = world.ticket_a.updated_at.isoformat()
    response = client.patch(
        f"/api/v1/tickets/{world.ticket_a.pk}/", {"priority": "p1", "version": version}, format="json"
    )
    # A customer of another organization is refused before the ticket is looked up.
    assert response.status_code == (403 if who == "customer_b" else expected)
    world.ticket_a.refresh_from_db()
    assert (world.ticket_a.priority == "p1") == (expected == 200)


@pytest.mark.parametrize(("who", "expected"), AGENTS_ONLY)
def test_merging_is_for_agents(world, who, expected):
    response = world.client(who).post(
        f"/api/v1/tickets/{world.ticket_colleague.pk}/merge/",
        {"into": world.ticket_a.reference},
        format="json",
    )
    assert response.status_code == (403 if who == "customer_b" else expected)
    world.ticket_colleague.refresh_from_db()
    assert (world.ticket_colleague.merged_into_id == world.ticket_a.pk) == (expected == 200)


def test_merging_across_organizations_is_refused_in_the_services_words(world):
    response = world.client("agent").post(
        f"/api/v1/tickets/{world.ticket_b.pk}/merge/", {"into": world.ticket_a.reference}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Only tickets of the same organization can be merged."


def test_a_refused_transition_is_a_400_and_changes_nothing(world):
    client = world.client("agent")
    set_status(ticket=world.ticket_a, status=Status.RESOLVED, actor=world.agent)
    set_status(ticket=world.ticket_a, status=Status.CLOSED, actor=world.agent)
    world.ticket_a.refresh_from_db()
    response = client.patch(
        f"/api/v1/tickets/{world.ticket_a.pk}/",
        {"status": "pending_customer", "version": world.ticket_a.updated_at.isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "status": ["A ticket cannot go from “Closed” to “Waiting on customer”."]
    }
    world.ticket_a.refresh_from_db()
    assert world.ticket_a.status == Status.CLOSED


def test_an_agent_assigns_sets_the_team_and_writes_an_internal_note(world):
    from helpdesk.tests.factories import TeamFactory

    team = TeamFactory(name="金蝶组")
    client = world.client("agent")
    version = client.get(f"/api/v1/tickets/{world.ticket_a.pk}/").json()["version"]
    changed = client.patch(
        f"/api/v1/tickets/{world.ticket_a.pk}/",
        {"assignee": world.agent.email, "team": team.name, "version": version},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["assignee"], changed.json()["team"]) == (world.agent.email, "金蝶组")
    note = client.post(
        f"/api/v1/tickets/{world.ticket_a.pk}/reply/",
        {"body": "查一下科目表", "internal": True},
        format="json",
    )
    assert note.status_code == 201 and note.json()["kind"] == "internal_note"
    customer_view = world.client("customer_a").get(f"/api/v1/tickets/{world.ticket_a.pk}/messages/").json()
    assert [m["kind"] for m in customer_view] == []


def test_customers_see_staff_by_first_name_and_never_their_address(world):
    from helpdesk.services.tickets import assign_ticket

    assign_ticket(ticket=world.ticket_a, assignee=world.agent, actor=world.agent)
    add_reply(ticket=world.ticket_a, author=world.agent, body="您好，请发一下日志。")
    ticket = world.client("customer_a").get(f"/api/v1/tickets/{world.ticket_a.pk}/")
    messages = world.client("customer_a").get(f"/api/v1/tickets/{world.ticket_a.pk}/messages/")
    assert (ticket.json()["assignee"], ticket.json()["assignee_name"]) == (None, "Chen")
    assert messages.json()[0]["author"] == "Chen" and messages.json()[0]["from_staff"] is True
    assert "vendor.example" not in ticket.content.decode() + messages.content.decode()
    agent_view = world.client("agent").get(f"/api/v1/tickets/{world.ticket_a.pk}/").json()
    assert (agent_view["assignee"], agent_view["assignee_name"]) == (world.agent.email, "Chen Gong")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", ANON),
        ("customer_a", 403),
        ("customer_b", 403),
        ("org_admin", 403),
        ("agent", 403),
        ("manager", 200),
    ],
)
def test_reports_are_for_managers(world, who, expected):
    response = world.client(who).get("/api/v1/reports/sla/?group_by=priority")
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert body["group_by"] == "priority"
        assert body["total"]["backlog"]["total"] == 3
        assert body["total"]["first_response"] == {"part": 0, "whole": 0, "rate": None}


def test_the_report_refuses_a_reversed_period_and_unknown_parameters(world):
    client = world.client("manager")
    reversed_period = client.get("/api/v1/reports/sla/?start=2025-11-10&end=2025-11-01")
    assert reversed_period.status_code == 400
    assert reversed_period.json()["errors"] == {"end": ["The end date must not be before the start date."]}
    assert client.get("/api/v1/reports/sla/?group_by=secret").status_code == 400
    assert set(client.get("/api/v1/reports/sla/?from=2025-11-01").json()["errors"]) == {"from"}


LOG = b"2025-11-03 09:30:01 ERROR ERR-4012 account 1122 missing\n"


@pytest.mark.parametrize(("who", "expected"), READ_A)
def test_downloading_a_file(world, who, expected):
    message = add_reply(
        ticket=world.ticket_a,
        author=world.customer_a,
        body="日志",
        attachments=[SimpleUploadedFile("plugin.log", LOG, content_type="text/plain")],
    )
    attachment = message.attachments.get()
    response = world.client(who).get(f"/api/v1/attachments/{attachment.pk}/download/")
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == LOG
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_internal_files_are_for_agents_only(world):
    note = add_reply(
        ticket=world.ticket_a,
        author=world.agent,
        body="内部",
        visibility="internal",
        attachments=[SimpleUploadedFile("trace.log", LOG, content_type="text/plain")],
    )
    attachment = note.attachments.get()
    assert world.client("customer_a").get(f"/api/v1/attachments/{attachment.pk}/").status_code == 404
    assert world.client("agent").get(f"/api/v1/attachments/{attachment.pk}/").status_code == 200
    listed = world.client("customer_a").get(f"/api/v1/tickets/{world.ticket_a.pk}/attachments/").json()
    assert listed == []
