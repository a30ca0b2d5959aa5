import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk.models import CannedResponse, OutboundEmail, Ticket, TicketEvent, TicketMessage
from helpdesk.services.conversation import add_internal_note, record_agent_reply, record_customer_reply
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import AgentFactory, CannedResponseFactory, CategoryFactory, TeamFactory
from helpdesk.tests.files import PNG


def change_url(ticket) -> str:
    return reverse("admin:helpdesk_ticket_change", args=[ticket.pk])


def reply_url(ticket) -> str:
    return reverse("admin:helpdesk_ticket_reply", args=[ticket.pk])


def properties(ticket, **changes) -> dict:
    data = {
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": ticket.assignee_id or "",
        "team": ticket.team_id or "",
        "category": ticket.category_id,
        "_save": "Save",
    }
    return {**data, **changes}


def test_ticket_page_shows_description_conversation_and_audit_trail(agent_client, agent, ticket, customer):
    record_customer_reply(ticket=ticket, author=customer, body="补充：截图见附件")
    add_internal_note(ticket=ticket, author=agent, body="可能是科目映射问题")

    response = agent_client.get(change_url(ticket))

    assert response.status_code == 200
    html = response.content.decode()
    assert ticket.reference in html
    assert '<pre class="kx-error">ERR-4012: 科目 1122 不存在或已禁用</pre>' in html
    assert "kx-msg kx-msg-customer_reply" in html
    assert "kx-msg kx-msg-internal_note" in html
    assert "Internal note" in html or "内部备注" in html
    assert [e.kind for e in response.context["events"]][0] == TicketEvent.Kind.CREATED
    assert 'name="kind"' in html and 'name="attachments"' in html


# 15 of its own (the ticket read once with its plan and the requester's profile, the canned
# responses once for the select and their texts), 2 for the known-issues box (the linked ones,
# the open ones to link to).
TICKET_PAGE_QUERIES = 17


@pytest.mark.parametrize("rounds", [1, 5])
def test_ticket_page_runs_a_fixed_number_of_queries(
    agent_client, ticket, customer, rounds, django_assert_num_queries
):
    for index in range(rounds):
        # Each round: another agent replies and notes, the customer answers; every message
        # with a file, every step in the audit trail; one more canned response to offer.
        colleague = AgentFactory()
        record_agent_reply(
            ticket=ticket,
            author=colleague,
            body=f"请提供截图 {index}",
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
            author=colleague,
            body=f"备注 {index}",
            attachments=[SimpleUploadedFile(f"note-{index}.png", PNG)],
        )
        CannedResponseFactory()
    agent_client.get(change_url(ticket))  # warm per-process caches (calendars)

    with django_assert_num_queries(TICKET_PAGE_QUERIES):
        response = agent_client.get(change_url(ticket))

    assert response.status_code == 200
    conversation = response.context["conversation"]
    assert len(conversation) == 3 * rounds
    assert all(len(message.attachments.all()) == 1 for message in conversation)
    assert len(response.context["canned"]) == rounds
    # The select offers the same responses the texts were read from, by title.
    html = response.content.decode()
    for canned in CannedResponse.objects.all():
        assert f'<option value="{canned.pk}">{canned.title}</option>' in html


def test_public_reply_stamps_first_response_and_queues_mail(agent_client, agent, ticket):
    mails_before = OutboundEmail.objects.filter(ticket=ticket).count()

    response = agent_client.post(
        reply_url(ticket),
        {
            "kind": "public_reply",
            "body": "您好，请检查科目 1122 是否启用。",
            "status": "pending_customer",
            "attachments": [SimpleUploadedFile("steps.txt", b"1. open\n2. check\n")],
        },
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.agent_reply_count == 1
    assert ticket.status == "pending_customer"
    message = ticket.messages.get()
    assert message.kind == TicketMessage.Kind.PUBLIC_REPLY and message.author == agent
    assert message.attachments.get().original_name == "steps.txt"
    assert OutboundEmail.objects.filter(ticket=ticket).count() == mails_before + 1


def test_internal_note_is_not_a_first_response_and_not_mailed(agent_client, ticket):
    mails_before = OutboundEmail.objects.filter(ticket=ticket).count()

    response = agent_client.post(reply_url(ticket), {"kind": "internal_note", "body": "先别回复，等研发确认"})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert ticket.agent_reply_count == 0
    note = ticket.messages.get()
    assert note.kind == TicketMessage.Kind.INTERNAL_NOTE
    assert not note.is_public
    assert OutboundEmail.objects.filter(ticket=ticket).count() == mails_before


def test_empty_reply_shows_the_error_and_keeps_the_chosen_options(agent_client, ticket):
    response = agent_client.post(
        reply_url(ticket), {"kind": "public_reply", "body": "   ", "status": "resolved"}
    )

    assert response.status_code == 200
    form = response.context["reply_form"]
    assert form.non_field_errors()
    assert ticket.messages.count() == 0
    assert 'value="resolved" selected' in response.content.decode()


def test_refused_attachment_keeps_the_typed_text(agent_client, ticket):
    response = agent_client.post(
        reply_url(ticket),
        {
            "kind": "public_reply",
            "body": "请查看附件中的配置说明",
            "attachments": [SimpleUploadedFile("evil.exe", b"MZ\x90\x00")],
        },
    )

    assert response.status_code == 200
    assert response.context["reply_form"].errors["attachments"]
    assert "请查看附件中的配置说明" in response.content.decode()
    assert ticket.messages.count() == 0


def test_insert_canned_response_without_javascript_fills_the_textarea(agent_client, ticket):
    macro = CannedResponseFactory(title="请提供日志", body="请发送插件日志文件 voucher.log。")

    response = agent_client.post(
        reply_url(ticket),
        {"kind": "public_reply", "body": "您好，", "canned": macro.pk, "_insert_canned": "1"},
    )

    assert response.status_code == 200
    assert response.context["reply_form"].initial["body"] == "您好，\n\n请发送插件日志文件 voucher.log。"
    assert "请发送插件日志文件 voucher.log。</textarea>" in response.content.decode()
    assert ticket.messages.count() == 0


def test_canned_responses_of_other_teams_are_not_offered(agent_client, ticket):
    CannedResponseFactory(title="全员可用")
    CannedResponseFactory(title="别的团队", team=TeamFactory())

    response = agent_client.get(change_url(ticket))

    titles = [c.title for c in response.context["reply_form"].fields["canned"].queryset]
    assert titles == ["全员可用"]


def test_invalid_status_transition_is_a_form_error_not_a_500(agent_client, agent, ticket):
    set_status(ticket=ticket, status="closed", actor=agent)
    ticket.refresh_from_db()

    response = agent_client.post(change_url(ticket), properties(ticket, status="open"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"]
    ticket.refresh_from_db()
    assert ticket.status == "closed"


def test_property_changes_go_through_services_and_are_audited(agent_client, agent, ticket):
    colleague = AgentFactory()
    category = CategoryFactory()

    response = agent_client.post(
        change_url(ticket),
        properties(ticket, assignee=colleague.pk, priority="p1", status="open", category=category.pk),
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.priority, ticket.status, ticket.category) == (
        colleague,
        "p1",
        "open",
        category,
    )
    kinds = set(ticket.events.values_list("kind", flat=True))
    assert {TicketEvent.Kind.ASSIGNMENT, TicketEvent.Kind.PRIORITY, TicketEvent.Kind.STATUS} <= kinds


def test_merged_ticket_refuses_property_changes_with_a_message(agent_client, agent, ticket, customer):
    from helpdesk.services.tickets import merge_tickets
    from helpdesk.tests.factories import submit

    survivor = submit(requester=customer)
    merge_tickets(source=ticket, target=survivor, actor=agent)
    ticket = Ticket.objects.get(pk=ticket.pk)

    response = agent_client.post(change_url(ticket), properties(ticket, priority="p1"))

    assert response.status_code == 200
    assert survivor.reference in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority != "p1"


def test_reply_to_unknown_ticket_is_404(agent_client, db):
    assert (
        agent_client.post(reverse("admin:helpdesk_ticket_reply", args=[999999]), {"body": "x"}).status_code
        == 404
    )
    assert agent_client.get(reverse("admin:helpdesk_ticket_reply", args=[999999])).status_code == 405
