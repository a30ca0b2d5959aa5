"""My requests: access rules, list filters, conversation, reply, resolve, reopen, rate."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import clock
from helpdesk.models import SatisfactionRating, Status, TicketMessage
from helpdesk.services.conversation import add_internal_note, record_agent_reply, record_customer_reply
from helpdesk.services.followers import add_follower
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import AgentFactory, CustomerFactory, OrganizationFactory, submit
from helpdesk.tests.files import PNG

pytestmark = pytest.mark.django_db


def detail_url(ticket, name="portal:ticket_detail"):
    return reverse(name, kwargs={"reference": ticket.reference})


def test_a_customer_never_sees_another_organizations_ticket(customer_client):
    foreign = submit(requester=CustomerFactory(organization=OrganizationFactory()))
    assert customer_client.get(detail_url(foreign)).status_code == 404
    for action in (
        "portal:ticket_reply",
        "portal:ticket_resolve",
        "portal:ticket_reopen",
        "portal:ticket_rate",
    ):
        assert customer_client.post(detail_url(foreign, action), {"body": "hi"}).status_code == 404
    assert foreign.reference not in customer_client.get(reverse("portal:tickets")).content.decode()


def test_a_plain_member_does_not_see_a_colleagues_ticket(customer_client, org):
    colleague_ticket = submit(requester=CustomerFactory(organization=org))
    assert customer_client.get(detail_url(colleague_ticket)).status_code == 404


def test_an_organization_admin_sees_the_organizations_tickets(client, org):
    admin = CustomerFactory(organization=org, organization__is_org_admin=True)
    colleague_ticket = submit(requester=CustomerFactory(organization=org))
    client.force_login(admin)
    assert client.get(detail_url(colleague_ticket)).status_code == 200
    listing = client.get(reverse("portal:tickets")).content.decode()
    assert colleague_ticket.reference in listing
    mine_only = client.get(reverse("portal:tickets"), {"scope": "mine"}).content.decode()
    assert colleague_ticket.reference not in mine_only


def test_an_unknown_reference_is_a_404(customer_client):
    assert customer_client.get("/tickets/KX-999999/").status_code == 404
    assert customer_client.get("/tickets/garbage/").status_code == 404


def test_the_list_filters_by_status_and_searches(customer_client, customer):
    open_ticket = submit(requester=customer, subject="收款单同步失败：科目不存在")
    resolved = submit(requester=customer, subject="用友 U8 凭证过账超时")
    set_status(ticket=resolved, status=Status.RESOLVED, actor=AgentFactory())
    page = customer_client.get(reverse("portal:tickets"), {"status": "resolved"}).content.decode()
    assert resolved.reference in page and open_ticket.reference not in page
    page = customer_client.get(reverse("portal:tickets"), {"q": "用友"}).content.decode()
    assert resolved.reference in page and open_ticket.reference not in page
    page = customer_client.get(reverse("portal:tickets"), {"q": open_ticket.reference}).content.decode()
    assert open_ticket.reference in page and resolved.reference not in page


def open_answered_and_resolved(requester, count: int) -> None:
    """`count` of the requester's tickets, each filed under its own category, some answered
    by different agents and some resolved, so every row has its own related rows."""
    for index in range(count):
        ticket = submit(requester=requester)
        if index % 2:
            record_agent_reply(ticket=ticket, author=AgentFactory(), body="请检查科目 1122 是否启用")
        if index % 3 == 2:
            set_status(ticket=ticket, status=Status.RESOLVED, actor=AgentFactory())


LIST_QUERIES = 6


@pytest.mark.parametrize("rows", [1, 5])
def test_the_list_page_runs_a_fixed_number_of_queries(
    customer_client, customer, rows, django_assert_num_queries
):
    open_answered_and_resolved(customer, rows)
    customer_client.get(reverse("portal:tickets"))  # warm per-process caches

    with django_assert_num_queries(LIST_QUERIES):
        response = customer_client.get(reverse("portal:tickets"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == rows


ORG_LIST_QUERIES = 6


@pytest.mark.parametrize("rows", [1, 5])
def test_the_organization_list_runs_a_fixed_number_of_queries(client, org, rows, django_assert_num_queries):
    admin = CustomerFactory(organization=org, organization__is_org_admin=True)
    for _ in range(rows):  # each from another colleague: the requester column shows them
        open_answered_and_resolved(CustomerFactory(organization=org), 1)
    client.force_login(admin)
    client.get(reverse("portal:tickets"))  # warm per-process caches

    with django_assert_num_queries(ORG_LIST_QUERIES):
        response = client.get(reverse("portal:tickets"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == rows


# +1 for the known issues the ticket is linked to (#18), +2 for the followers and the
# colleagues left to add (#14, one read for "anyone left?" and the select); the ticket's
# plan is read with the ticket.
DETAIL_QUERIES = 12


@pytest.mark.parametrize("rounds", [1, 5])
def test_the_ticket_page_runs_a_fixed_number_of_queries(
    customer_client, customer, rounds, django_assert_num_queries
):
    ticket = submit(requester=customer, attachments=[SimpleUploadedFile("screen.png", PNG)])
    for index in range(rounds):  # each round: a reply from another agent, an answer, a note; all with files
        agent = AgentFactory()
        record_agent_reply(
            ticket=ticket,
            author=agent,
            body=f"请提供第 {index} 张截图",
            attachments=[SimpleUploadedFile(f"agent-{index}.png", PNG)],
        )
        record_customer_reply(
            ticket=ticket,
            author=customer,
            body=f"截图 {index} 见附件",
            attachments=[SimpleUploadedFile(f"customer-{index}.png", PNG)],
        )
        add_internal_note(
            ticket=ticket,
            author=agent,
            body=f"内部备注 {index}",
            attachments=[SimpleUploadedFile(f"note-{index}.png", PNG)],
        )
    customer_client.get(detail_url(ticket))  # warm per-process caches (calendars)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = customer_client.get(detail_url(ticket))

    assert response.status_code == 200
    conversation = response.context["messages_list"]
    assert len(conversation) == 2 * rounds  # internal notes are never shown
    assert all(len(message.attachments.all()) == 1 for message in conversation)
    assert [f.original_name for f in response.context["files"]] == ["screen.png"]


def test_the_ticket_page_reads_the_colleagues_left_to_add_once(customer_client, customer):
    """One read answers "anyone left to add?" and fills the select: the page costs the same
    queries with colleagues to offer as with everyone already following."""
    ticket = submit(requester=customer)
    colleagues = [CustomerFactory(organization=customer.customer_profile.organization) for _ in range(3)]
    customer_client.get(detail_url(ticket))  # warm per-process caches (calendars)

    with CaptureQueriesContext(connection) as offering:
        html = customer_client.get(detail_url(ticket)).content.decode()
    for colleague in colleagues:
        add_follower(ticket=ticket, user=colleague, actor=customer)
    with CaptureQueriesContext(connection) as everyone_follows:
        none_left = customer_client.get(detail_url(ticket)).content.decode()

    for colleague in colleagues:
        assert f'<option value="{colleague.pk}">' in html
        assert f'<option value="{colleague.pk}">' not in none_left
    assert len(offering) == len(everyone_follows)


def test_the_conversation_never_shows_internal_notes(customer_client, customer):
    ticket = submit(requester=customer)
    agent = AgentFactory()
    add_internal_note(ticket=ticket, author=agent, body="客户的账套有问题，别告诉他")
    record_agent_reply(ticket=ticket, author=agent, body="请检查科目 1122 是否启用")
    html = customer_client.get(detail_url(ticket)).content.decode()
    assert "请检查科目 1122 是否启用" in html
    assert "别告诉他" not in html


def test_the_ticket_page_shows_the_first_response_due_time(customer_client, customer):
    ticket = submit(requester=customer)
    response = customer_client.get(detail_url(ticket))
    due = timezone.localtime(ticket.first_response_due_at).strftime("%Y-%m-%d %H:%M")
    assert due in response.content.decode()


def test_a_reply_with_a_file_is_added_to_the_conversation(customer_client, customer):
    ticket = submit(requester=customer)
    response = customer_client.post(
        detail_url(ticket, "portal:ticket_reply"),
        {"body": "补充截图", "attachments": SimpleUploadedFile("more.png", PNG)},
    )
    assert response.status_code == 302
    message = ticket.messages.get(kind=TicketMessage.Kind.CUSTOMER_REPLY)
    assert message.body == "补充截图"
    assert message.attachments.get().original_name == "more.png"


def test_an_empty_reply_is_refused_and_keeps_the_uploaded_file(customer_client, customer):
    ticket = submit(requester=customer)
    response = customer_client.post(
        detail_url(ticket, "portal:ticket_reply"),
        {"body": " ", "attachments": SimpleUploadedFile("k.png", PNG)},
    )
    assert response.status_code == 200
    assert response.context["reply_form"].errors["body"]
    assert [f.name for f in response.context["kept_files"]] == ["k.png"]


def test_the_customer_marks_the_ticket_resolved_and_rates_it(customer_client, customer):
    ticket = submit(requester=customer)
    customer_client.post(detail_url(ticket, "portal:ticket_resolve"))
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    page = customer_client.get(detail_url(ticket))
    assert page.context["pending_rating"] is not None
    refused = customer_client.post(detail_url(ticket, "portal:ticket_rate"), {"score": "9"})
    assert refused.status_code == 200 and refused.context["rating_form"].errors["score"]
    customer_client.post(detail_url(ticket, "portal:ticket_rate"), {"score": "5", "comment": "很快"})
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.score, rating.comment) == (5, "很快")


def test_a_resolved_ticket_reopens_within_the_window_only(customer_client, customer):
    ticket = submit(requester=customer)
    set_status(ticket=ticket, status=Status.RESOLVED, actor=AgentFactory())
    customer_client.post(detail_url(ticket, "portal:ticket_reopen"), {"reason": "还是不行：ERR-4012"})
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.reopen_count == 1

    old = submit(requester=customer)
    set_status(ticket=old, status=Status.RESOLVED, actor=AgentFactory(), now=clock.now() - timedelta(days=10))
    page = customer_client.get(detail_url(old))
    assert page.context["can_reopen"] is False
    customer_client.post(detail_url(old, "portal:ticket_reopen"), {"reason": "x"})
    old.refresh_from_db()
    assert old.status == Status.RESOLVED


def test_the_survey_link_rates_once_without_signing_in(client, customer):
    ticket = submit(requester=customer)
    set_status(ticket=ticket, status=Status.RESOLVED, actor=AgentFactory())
    token = SatisfactionRating.objects.get(ticket=ticket).token
    url = reverse("portal:rate", kwargs={"token": token})
    assert ticket.reference in client.get(url).content.decode()
    response = client.post(url, {"score": "4", "comment": "ok"})
    assert response.context["thanks"]
    assert SatisfactionRating.objects.get(ticket=ticket).score == 4
    again = client.get(url)
    assert again.context["closed"]


def test_an_unknown_survey_token_says_so_without_an_error(client, db):
    response = client.get(reverse("portal:rate", kwargs={"token": "nope"}))
    assert response.status_code == 200
    assert response.context["closed"]


def test_the_list_shows_when_the_first_response_is_due_then_when_it_came(
    customer_client, customer, monday_9am
):
    ticket = submit(requester=customer, now=monday_9am)  # Advanced P3: due Mon 18:00 Beijing
    page = customer_client.get(reverse("portal:tickets")).content.decode()
    assert "due by" in page and "11-03 18:00" in page
    record_agent_reply(ticket=ticket, author=AgentFactory(), body="您好", now=monday_9am + timedelta(hours=2))
    page = customer_client.get(reverse("portal:tickets")).content.decode()
    assert "answered" in page and "11-03 11:00" in page
