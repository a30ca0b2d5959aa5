"""The managers' SLA report page in the admin: access, figures, CSV export, form errors."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from helpdesk.roles import MANAGERS
from helpdesk.services.conversation import record_agent_reply
from helpdesk.services.tickets import merge_tickets
from helpdesk.tests.factories import AgentFactory, CustomerFactory, OrganizationFactory, plan, submit

pytestmark = pytest.mark.django_db

MONDAY_9 = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)
URL = reverse("admin:reports_sla")
# Beijing dates: the Monday only.
MONDAY = {"start": "2025-11-03", "end": "2025-11-03"}


@pytest.fixture
def manager():
    user = AgentFactory(full_name="赵经理")
    user.groups.add(Group.objects.get(name=MANAGERS))
    return user


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def monday_tickets(agent):
    """Advanced: one answered in an hour, one never answered (due 18:00). Standard: one answered."""
    answered = submit(now=MONDAY_9)
    record_agent_reply(
        ticket=answered, author=agent, body="您好，已处理。", now=MONDAY_9 + timedelta(hours=1)
    )
    unanswered = submit(now=MONDAY_9, subject="没人回复的工单")
    standard = CustomerFactory(organization=OrganizationFactory(sla_plan=plan("standard")))
    other = submit(requester=standard, now=MONDAY_9)
    record_agent_reply(ticket=other, author=agent, body="您好。", now=MONDAY_9 + timedelta(hours=2))
    return answered, unanswered, other


def test_manager_sees_compliance_times_and_overdue_tickets(manager_client, monday_tickets):
    _answered, unanswered, _other = monday_tickets

    response = manager_client.get(URL, {**MONDAY, "group_by": "tier"})

    assert response.status_code == 200
    table = response.context["table"]
    assert [row["label"] for row in table["rows"]] == ["Standard", "Advanced"]
    advanced = table["rows"][1]
    assert advanced["targets"][0] == {
        "met": 1,
        "breached": 1,
        "merged": 0,
        "percent": "50.0 %",
        "bar": "kx-bar-50",
    }
    assert advanced["times"][0]["median"] == "1.0 h"
    assert table["total"]["targets"][0]["percent"] == "66.7 %"
    assert table["total"]["fcr"] == "—"  # nothing resolved
    html = response.content.decode()
    assert reverse("admin:helpdesk_ticket_change", args=[unanswered.pk]) in html
    assert 'style="' not in html.split('id="content-main"')[1]  # CSP: bars are classes


def test_index_links_to_the_report_for_managers_only(client, manager, agent):
    client.force_login(manager)
    assert URL in client.get(reverse("admin:index")).content.decode()
    client.force_login(agent)
    assert URL not in client.get(reverse("admin:index")).content.decode()


def test_agent_without_the_permission_is_refused(agent_client):
    assert agent_client.get(URL).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_page_defaults_to_the_last_30_days_grouped_by_tier(manager_client):
    response = manager_client.get(URL)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.is_valid()
    assert (form.cleaned_data["end"] - form.cleaned_data["start"]).days == 29
    assert form.cleaned_data["group_by"] == "tier"


def test_csv_export_has_a_bom_a_header_and_one_row_per_group(manager_client, monday_tickets):
    response = manager_client.get(URL, {**MONDAY, "group_by": "tier", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="sla-report-20251103-20251103.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text[1:].strip().splitlines()
    assert lines[0].startswith("SLA tier,first response met,first response breached")
    assert [line.split(",")[0] for line in lines[1:]] == ["Standard", "Advanced"]
    assert lines[2].split(",")[1:4] == ["1", "1", "50.0"]


def test_merged_tickets_are_counted_apart_on_the_page_and_in_the_csv(manager_client, agent, monday_tickets):
    answered, _unanswered, _other = monday_tickets
    duplicate = submit(requester=answered.requester, now=MONDAY_9, subject="重复提交的工单")
    merge_tickets(source=duplicate, target=answered, actor=agent, now=MONDAY_9 + timedelta(hours=2))

    response = manager_client.get(URL, {**MONDAY, "group_by": "tier"})

    advanced = response.context["table"]["rows"][1]
    assert [(t["met"], t["breached"], t["merged"]) for t in advanced["targets"]] == [(1, 1, 1), (0, 0, 1)]
    assert advanced["targets"][0]["percent"] == "50.0 %"  # unchanged by the merged duplicate
    assert [t["merged"] for t in response.context["table"]["total"]["targets"]] == [1, 1]
    assert reverse("admin:helpdesk_ticket_change", args=[duplicate.pk]) not in response.content.decode()

    lines = manager_client.get(URL, {**MONDAY, "group_by": "tier", "format": "csv"}).content.decode()[1:]
    header, _standard, advanced_line = lines.strip().splitlines()
    assert header.split(",")[1:9] == [
        "first response met",
        "first response breached",
        "first response compliance %",
        "first response merged",
        "resolution met",
        "resolution breached",
        "resolution compliance %",
        "resolution merged",
    ]
    assert advanced_line.split(",")[1:9] == ["1", "1", "50.0", "1", "0", "0", "", "1"]


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2025-13-45", "end": "2025-11-03"},
        {"start": "2025-11-05", "end": "2025-11-03"},
        {"start": "2020-01-01", "end": "2025-11-03"},
        {"group_by": "organization"},
    ],
)
def test_bad_input_shows_form_errors_not_a_server_error(manager_client, params):
    response = manager_client.get(URL, params)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["report"] is None
    assert 'class="errorlist' in response.content.decode()


def test_bad_input_with_csv_format_shows_the_form(manager_client):
    response = manager_client.get(URL, {"start": "nonsense", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


REPORT_PAGE_QUERIES = 17


@pytest.mark.parametrize("tickets", [1, 5])
def test_page_runs_a_fixed_number_of_queries(manager_client, agent, tickets, django_assert_num_queries):
    for _ in range(tickets):  # each from another customer and organization
        ticket = submit(now=MONDAY_9)
        record_agent_reply(ticket=ticket, author=agent, body="您好。", now=MONDAY_9 + timedelta(hours=1))
    manager_client.get(URL, MONDAY)  # warm per-process caches (calendars)

    with django_assert_num_queries(REPORT_PAGE_QUERIES):
        response = manager_client.get(URL, MONDAY)

    assert response.status_code == 200
    assert response.context["table"]["total"]["targets"][0]["met"] == tickets  # answered within the hour
