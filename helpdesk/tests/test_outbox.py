"""The outbox: mail survives a dead SMTP server and goes out exactly once."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from helpdesk.models import EmailKind, OutboundEmail
from helpdesk.services import outbox
from helpdesk.tests.factories import submit

pytestmark = pytest.mark.django_db


def test_mail_is_sent_after_commit_by_the_task(django_capture_on_commit_callbacks, monday_9am):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit()
    sent_subjects = [m.subject for m in mail.outbox]
    assert any(ticket.reference in s for s in sent_subjects)
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {OutboundEmail.State.SENT}


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        submit()
        raise RuntimeError("boom")
    assert mail.outbox == []
    assert OutboundEmail.objects.count() == 0


def test_dead_smtp_server_delays_mail_and_it_goes_out_exactly_once_later(django_capture_on_commit_callbacks):
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("SMTP down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ticket = submit()
    assert ticket.pk  # the submission itself succeeded
    rows = list(OutboundEmail.objects.all())
    assert rows and all(r.state == OutboundEmail.State.PENDING for r in rows)
    assert all(r.attempts == 1 and "SMTP down" in r.last_error for r in rows)
    assert mail.outbox == []

    later = rows[0].next_attempt_at + timedelta(seconds=1)
    first = outbox.flush_outbox(now=later)
    second = outbox.flush_outbox(now=later)
    assert first == {OutboundEmail.State.SENT: len(rows)}
    assert second == {}
    assert len(mail.outbox) == len(rows)


def test_backoff_grows_and_gives_up_after_max_attempts(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = outbox.queue_email(to=["x@example.com"], subject="s", body="b", kind=EmailKind.AGENT_REPLY)
    now = email.next_attempt_at
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
        states = []
        for _ in range(3):
            states.append(outbox.deliver(email_id=email.pk, now=now))
            email.refresh_from_db()
            now = email.next_attempt_at
    assert states == [OutboundEmail.State.PENDING, OutboundEmail.State.PENDING, OutboundEmail.State.FAILED]
    assert outbox.backoff(1) < outbox.backoff(2) < outbox.backoff(3)


def test_a_claimed_row_is_not_sent_twice(monday_9am):
    email = outbox.queue_email(
        to=["x@example.com"], subject="s", body="b", kind=EmailKind.AGENT_REPLY, now=monday_9am
    )
    OutboundEmail.objects.filter(pk=email.pk).update(state=OutboundEmail.State.SENDING, claimed_at=monday_9am)
    assert (
        outbox.deliver(email_id=email.pk, now=monday_9am + timedelta(minutes=1))
        == OutboundEmail.State.SENDING
    )
    assert mail.outbox == []


def test_held_mail_waits_until_not_before(monday_9am):
    email = outbox.queue_email(
        to=["a@example.com"],
        subject="s",
        body="b",
        kind=EmailKind.AGENT_REPLY,
        now=monday_9am,
        not_before=monday_9am + timedelta(hours=3),
    )
    assert outbox.flush_outbox(now=monday_9am + timedelta(hours=1)) == {}
    assert outbox.flush_outbox(now=monday_9am + timedelta(hours=3)) == {OutboundEmail.State.SENT: 1}
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT


def test_retry_now_requeues_failed_mail(monday_9am):
    email = outbox.queue_email(
        to=["a@example.com"], subject="s", body="b", kind=EmailKind.AGENT_REPLY, now=monday_9am
    )
    OutboundEmail.objects.filter(pk=email.pk).update(state=OutboundEmail.State.FAILED, attempts=8)
    assert outbox.retry_now(email_ids=[email.pk], now=monday_9am) == 1
    assert outbox.flush_outbox(now=monday_9am) == {OutboundEmail.State.SENT: 1}


def test_queue_email_refuses_a_kind_that_is_not_an_email_kind():
    with pytest.raises(ValueError, match="'newsletter' is not a valid EmailKind"):
        outbox.queue_email(to=["x@example.com"], subject="s", body="b", kind="newsletter")
    assert OutboundEmail.objects.count() == 0


def test_an_outbox_row_with_an_unknown_kind_fails_validation(monday_9am):
    email = outbox.queue_email(
        to=["x@example.com"], subject="s", body="b", kind=EmailKind.SLA_BREACH, now=monday_9am
    )
    email.kind = "newsletter"

    with pytest.raises(ValidationError, match="Value 'newsletter' is not a valid choice"):
        email.full_clean()


def test_the_outbox_shows_the_kind_of_each_mail_by_its_label(monday_9am):
    email = outbox.queue_email(
        to=["x@example.com"], subject="s", body="b", kind=EmailKind.ACCOUNT_INVITATION, now=monday_9am
    )

    email.refresh_from_db()
    assert email.kind == "account_invitation"
    assert email.get_kind_display() == "Invitation to the portal"
