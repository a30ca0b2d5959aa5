"""Text that would break a header is cleaned where it enters; what still cannot be built fails
at once, with its reason, instead of eight silent retries."""

import pytest
from django.core import mail

from core.headers import single_line
from helpdesk.models import EmailKind, OutboundEmail
from helpdesk.services import outbox
from helpdesk.tests.factories import submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("breaker", ["\r", "\n", "\u2028", "\u2029", "\u0085", "\x0b", "\x1f", "\t"])
def test_single_line_removes_every_line_breaking_and_control_character(breaker):
    assert single_line(f"  凭证{breaker}{breaker}生成失败 ") == "凭证 生成失败"


def test_a_subject_with_line_separators_becomes_a_ticket_whose_mails_are_sent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit(subject="凭证\u2028生成\r\n失败\u0085了")

    assert ticket.subject == "凭证 生成 失败 了"
    states = set(OutboundEmail.objects.filter(ticket=ticket).values_list("state", flat=True))
    assert states == {OutboundEmail.State.SENT}
    assert any("凭证 生成 失败 了" in message.subject for message in mail.outbox)


def test_a_row_that_cannot_be_built_fails_at_the_first_attempt_with_its_reason(monday_9am):
    email = outbox.queue_email(
        to=["x@example.com"], subject="s", body="b", kind=EmailKind.AGENT_REPLY, now=monday_9am
    )
    # As written by code older than the cleaning: a header value with a line break.
    OutboundEmail.objects.filter(pk=email.pk).update(subject="bad\nsubject")

    state = outbox.deliver(email_id=email.pk, now=monday_9am)

    email.refresh_from_db()
    assert (state, email.attempts) == (OutboundEmail.State.FAILED, 1)
    assert "linefeed" in email.last_error
    assert mail.outbox == []


def test_a_bad_address_is_recorded_on_a_failed_row_and_nothing_raises(monday_9am):
    email = outbox.queue_email(
        to=["a@b@c"], subject="s", body="b", kind=EmailKind.AGENT_REPLY, now=monday_9am
    )

    assert email.state == OutboundEmail.State.FAILED
    assert email.last_error == "Invalid address: a@b@c"
    assert outbox.due_email_ids(now=monday_9am) == []


def test_good_addresses_are_sent_when_one_of_them_is_bad(monday_9am):
    email = outbox.queue_email(
        to=["ok@example.com", "not an address"],
        subject="s",
        body="b",
        kind=EmailKind.AGENT_REPLY,
        now=monday_9am,
    )

    assert email.to == ["ok@example.com"]
    assert outbox.deliver(email_id=email.pk, now=monday_9am) == OutboundEmail.State.SENT
