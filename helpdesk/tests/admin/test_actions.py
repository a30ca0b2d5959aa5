from datetime import timedelta

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from core import clock
from helpdesk.models import OutboundEmail, Ticket, TicketEvent, TicketMessage
from helpdesk.services.conversation import record_customer_reply
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import AgentFactory, CustomerFactory, submit

CHANGELIST = reverse("admin:helpdesk_ticket_changelist")


def act(client, action: str, tickets, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [t.pk for t in tickets], **extra}
    if "apply" not in extra:
        data["index"] = 0
    return client.post(CHANGELIST, data)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_assign_to_me_assigns_through_the_service(agent_client, agent, customer):
    tickets = [submit(requester=customer), submit(requester=customer)]

    response = act(agent_client, "assign_to_me", tickets)

    assert response.status_code == 302
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.assignee == agent
        assert ticket.events.filter(kind=TicketEvent.Kind.ASSIGNMENT, actor=agent).exists()


def test_change_status_asks_for_the_status_first(agent_client, ticket):
    response = act(agent_client, "change_status", [ticket])

    assert response.status_code == 200
    assert "status" in response.context["form"].fields
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_change_status_applies_and_reports_refused_tickets(agent_client, agent, customer):
    movable = submit(requester=customer)
    closed = submit(requester=customer)
    set_status(ticket=closed, status="closed", actor=agent)

    response = act(agent_client, "change_status", [movable, closed], status="pending_customer", apply="1")

    assert response.status_code == 302
    movable.refresh_from_db()
    assert movable.status == "pending_customer"
    assert movable.sla_paused_since is not None
    assert movable.events.filter(kind=TicketEvent.Kind.STATUS, new_value="pending_customer").exists()
    assert Ticket.objects.get(pk=closed.pk).status == "closed"
    assert any(closed.reference in text for text in messages_of(response))


def test_change_priority_recomputes_targets(agent_client, ticket):
    before = ticket.first_response_due_at

    response = act(agent_client, "change_priority", [ticket], priority="p1", apply="1")

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == "p1"
    assert ticket.first_response_due_at != before
    assert ticket.events.filter(kind=TicketEvent.Kind.PRIORITY).exists()


def test_merge_moves_messages_into_the_chosen_ticket(agent_client, agent, customer):
    survivor = submit(requester=customer, subject="收款单无法生成凭证")
    duplicate = submit(requester=customer, subject="同一个问题又提交了一次")
    record_customer_reply(ticket=duplicate, author=customer, body="补充信息：错误码 ERR-4012")

    confirm = act(agent_client, "merge_selected", [survivor, duplicate])
    assert confirm.status_code == 200
    assert survivor.reference in confirm.content.decode()

    response = act(agent_client, "merge_selected", [survivor, duplicate], target=survivor.pk, apply="1")

    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert duplicate.status == "closed"
    bodies = list(survivor.messages.values_list("body", flat=True))
    assert "补充信息：错误码 ERR-4012" in bodies
    assert survivor.messages.filter(kind=TicketMessage.Kind.SYSTEM).exists()


def test_merge_across_organizations_shows_the_services_refusal(agent_client, customer):
    ours = submit(requester=customer)
    theirs = submit(requester=CustomerFactory())

    response = act(agent_client, "merge_selected", [ours, theirs], target=ours.pk, apply="1")

    assert response.status_code == 302
    assert Ticket.objects.get(pk=theirs.pk).merged_into is None
    assert any("organization" in text or "组织" in text for text in messages_of(response))


def test_merge_needs_two_tickets(agent_client, ticket):
    response = act(agent_client, "merge_selected", [ticket])

    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).merged_into is None


def test_tickets_cannot_be_deleted_from_the_admin(admin_client, ticket):
    response = act(admin_client, "delete_selected", [ticket])

    assert Ticket.objects.filter(pk=ticket.pk).exists()
    assert response.status_code in (200, 302)


def test_retry_now_puts_a_failed_email_back_in_line(admin_client, ticket):
    email = OutboundEmail.objects.filter(ticket=ticket).first()
    OutboundEmail.objects.filter(pk=email.pk).update(
        state=OutboundEmail.State.FAILED,
        attempts=8,
        last_error="SMTPServerDisconnected",
        next_attempt_at=clock.now() + timedelta(hours=6),
    )

    response = admin_client.post(
        reverse("admin:helpdesk_outboundemail_changelist"),
        {"action": "retry", ACTION_CHECKBOX_NAME: [email.pk], "index": 0},
    )

    assert response.status_code == 302
    email.refresh_from_db()
    assert email.state in (OutboundEmail.State.PENDING, OutboundEmail.State.SENT)
    assert email.next_attempt_at <= clock.now()


def test_agents_see_the_outbox_but_cannot_retry(agent_client, ticket):
    email = OutboundEmail.objects.filter(ticket=ticket).first()
    OutboundEmail.objects.filter(pk=email.pk).update(state=OutboundEmail.State.FAILED)

    page = agent_client.get(reverse("admin:helpdesk_outboundemail_changelist"))
    agent_client.post(
        reverse("admin:helpdesk_outboundemail_changelist"),
        {"action": "retry", ACTION_CHECKBOX_NAME: [email.pk], "index": 0},
    )

    assert page.status_code == 200
    assert page.context["action_form"] is None
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.FAILED


def test_audit_trail_admin_is_read_only(agent_client, ticket):
    event = ticket.events.first()

    list_response = agent_client.get(reverse("admin:helpdesk_ticketevent_changelist"))
    add_response = agent_client.get(reverse("admin:helpdesk_ticketevent_add"))
    post_response = agent_client.post(
        reverse("admin:helpdesk_ticketevent_change", args=[event.pk]), {"new_value": "tampered"}
    )

    assert list_response.status_code == 200
    assert add_response.status_code == 403
    assert post_response.status_code == 403
    event.refresh_from_db()
    assert event.new_value != "tampered"


def test_other_admin_pages_render_for_a_superuser(admin_client, ticket):
    AgentFactory()
    for name in (
        "helpdesk_user",
        "helpdesk_organization",
        "helpdesk_team",
        "helpdesk_category",
        "helpdesk_pluginversion",
        "helpdesk_cannedresponse",
        "helpdesk_outboundemail",
        "helpdesk_ticketevent",
        "helpdesk_satisfactionrating",
        "portal_submissionattempt",
        "search_synonym",
        "auth_group",
    ):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
        assert admin_client.get(reverse(f"admin:{name}_add")).status_code in (200, 403), name
    user_page = admin_client.get(reverse("admin:helpdesk_user_change", args=[ticket.requester_id]))
    assert user_page.status_code == 200
    assert "customer_profile" in user_page.content.decode()
