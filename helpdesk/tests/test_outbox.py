"""The outbox: mail survives a dead SMTP server and goes out exactly once."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends import locmem
from django.db import OperationalError, transaction
from django.db.models import QuerySet

from helpdesk.models import EmailKind, OutboundEmail
from helpdesk.services import claims, outbox
from helpdesk.tests.factories import submit

pytestmark = pytest.mark.django_db

# Where a mail leaves in the tests (the locmem mailer), for `deliver` and `deliver_batch` alike.
SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def test_mail_is_sent_after_commit_by_the_task(django_capture_on_commit_callbacks, monday_9am):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit()
    sent_subjects = [m.subject for m in mail.outbox]
    assert any(ticket.reference in s for s in sent_subjects)
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {OutboundEmail.State.SENT}


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="^boom$"),
        transaction.atomic(),
    ):
        submit()
        raise RuntimeError("boom")
    assert mail.outbox == []
    assert OutboundEmail.objects.count() == 0


def test_dead_smtp_server_delays_mail_and_it_goes_out_exactly_once_later(django_capture_on_commit_callbacks):
    with (
        mock.patch(SEND, side_effect=ConnectionRefusedError("SMTP down")),
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
    with mock.patch(SEND, side_effect=OSError("down")):
        states = []
        for _ in range(3):
            states.append(outbox.deliver(email_id=email.pk, now=now))
            email.refresh_from_db()
            now = email.next_attempt_at
    assert states == [OutboundEmail.State.PENDING, OutboundEmail.State.PENDING, OutboundEmail.State.FAILED]
    assert outbox.backoff(1) < outbox.backoff(2) < outbox.backoff(3)


def test_a_claimed_row_is_not_sent_twice_while_its_lease_lasts(monday_9am):
    email = outbox.queue_email(
        to=["x@example.com"], subject="s", body="b", kind=EmailKind.AGENT_REPLY, now=monday_9am
    )
    OutboundEmail.objects.filter(pk=email.pk).update(
        state=OutboundEmail.State.SENDING, claimed_at=monday_9am, claimed_until=monday_9am + outbox.lease()
    )
    assert (
        outbox.deliver(email_id=email.pk, now=monday_9am + outbox.lease() - timedelta(seconds=1))
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


# --- The lease: a worker that dies mid-send ------------------------------------------------


class WorkerKilled(BaseException):
    """Stands in for kill -9: not an Exception, so nothing in deliver() catches it."""


def test_a_row_whose_worker_died_mid_send_is_sent_exactly_once_after_the_lease(time_machine, monday_9am):
    time_machine.move_to(monday_9am, tick=False)
    email = outbox.queue_email(to=["x@example.com"], subject="s", body="b", kind=EmailKind.AGENT_REPLY)
    with (
        mock.patch(SEND, side_effect=WorkerKilled),
        pytest.raises(WorkerKilled),
    ):
        outbox.deliver(email_id=email.pk)
    email.refresh_from_db()
    assert (email.state, email.claimed_until) == (OutboundEmail.State.SENDING, monday_9am + outbox.lease())

    time_machine.move_to(monday_9am + outbox.lease() - timedelta(seconds=1), tick=False)
    assert outbox.flush_outbox() == {}
    time_machine.move_to(monday_9am + outbox.lease() + timedelta(seconds=1), tick=False)
    assert outbox.flush_outbox() == {OutboundEmail.State.SENT: 1}
    time_machine.move_to(monday_9am + timedelta(days=1), tick=False)
    assert outbox.flush_outbox() == {}

    assert [m.subject for m in mail.outbox] == ["s"]
    email.refresh_from_db()
    assert (email.state, email.attempts, email.claimed_until) == (OutboundEmail.State.SENT, 2, None)


def test_the_lease_outlasts_the_smtp_timeout_and_a_dead_workers_row_returns_within_a_minute(settings):
    assert outbox.lease() > timedelta(
        seconds=settings.MAILERS["default"].get("OPTIONS", {}).get("timeout", 10)
    )
    flush_interval = timedelta(seconds=10)  # scripts/run.sh: task_worker --outbox-interval 10
    assert outbox.lease() + flush_interval <= timedelta(minutes=1)


def test_mail_the_server_accepted_is_marked_sent_once_the_database_unlocks_and_never_resent(monday_9am):
    email = outbox.queue_email(
        to=["x@example.com"], subject="s", body="b", kind=EmailKind.AGENT_REPLY, now=monday_9am
    )
    real_update = QuerySet.update
    locked = []

    def update(self, **kwargs):
        if kwargs.get("state") == OutboundEmail.State.SENT and len(locked) < 2:
            locked.append(kwargs)
            raise OperationalError("database is locked")
        return real_update(self, **kwargs)

    with mock.patch.object(QuerySet, "update", update), mock.patch("core.db_retry.time.sleep") as slept:
        assert outbox.deliver(email_id=email.pk, now=monday_9am) == OutboundEmail.State.SENT

    assert len(locked) == 2 and slept.call_count == 2
    assert outbox.flush_outbox(now=monday_9am + timedelta(days=1)) == {}
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT


def test_a_worker_killed_after_the_server_accepted_may_resend_but_with_the_same_message_id(monday_9am):
    # The one window the outbox cannot close: the server has the mail, the mark never
    # committed. The second copy carries the same Message-ID, so mail systems drop it.
    email = outbox.queue_email(
        to=["x@example.com"], subject="s", body="b", kind=EmailKind.AGENT_REPLY, now=monday_9am
    )
    with mock.patch.object(outbox, "_mark_sent", side_effect=WorkerKilled), pytest.raises(WorkerKilled):
        outbox.deliver(email_id=email.pk, now=monday_9am)

    assert outbox.flush_outbox(now=monday_9am + outbox.lease() + timedelta(seconds=1)) == {
        OutboundEmail.State.SENT: 1
    }
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"] == outbox.message_id(email)


def test_a_worker_that_outlived_its_lease_cannot_put_back_a_row_another_worker_claimed(monday_9am):
    email = outbox.queue_email(
        to=["x@example.com"], subject="s", body="b", kind=EmailKind.AGENT_REPLY, now=monday_9am
    )
    slow, slow_token = claims.claim(OutboundEmail, pk=email.pk, now=monday_9am)
    successor = claims.claim(
        OutboundEmail, pk=email.pk, now=monday_9am + claims.lease() + timedelta(seconds=1)
    )
    assert successor is not None

    outbox._record_failure(email=slow, token=slow_token, error=TimeoutError("late"), now=monday_9am)

    email.refresh_from_db()
    assert (email.state, email.claim_token, email.last_error) == (
        OutboundEmail.State.SENDING,
        successor[1],
        "",
    )


def test_a_message_that_kills_the_worker_on_every_attempt_is_given_up(settings, monday_9am):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    email = outbox.queue_email(
        to=["x@example.com"], subject="s", body="b", kind=EmailKind.AGENT_REPLY, now=monday_9am
    )
    now = monday_9am
    with mock.patch(SEND, side_effect=WorkerKilled):
        for _ in range(2):
            with pytest.raises(WorkerKilled):
                outbox.flush_outbox(now=now)
            now += outbox.lease() + timedelta(seconds=1)

    assert outbox.flush_outbox(now=now) == {OutboundEmail.State.FAILED: 1}
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboundEmail.State.FAILED, 2)
    assert "lease ran out" in email.last_error
    assert mail.outbox == []


def test_delivery_refuses_to_hold_a_callers_transaction_open_while_talking_smtp(monday_9am):
    email = outbox.queue_email(
        to=["x@example.com"], subject="s", body="b", kind=EmailKind.AGENT_REPLY, now=monday_9am
    )
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        outbox.deliver(email_id=email.pk, now=monday_9am)
    assert mail.outbox == []


def test_a_batch_is_claimed_and_marked_at_once_and_a_failing_mail_does_not_hold_back_the_others(monday_9am):
    rows = [
        outbox.queue_email(
            to=[f"user{n}@example.com"],
            subject=f"s{n}",
            body="b",
            kind=EmailKind.TICKET_RECEIVED,
            now=monday_9am,
        )
        for n in range(3)
    ]
    real_send = locmem.EmailBackend.send_messages

    def send(backend, messages):
        if messages[0].to == ["user1@example.com"]:
            raise ConnectionRefusedError("SMTP down")
        return real_send(backend, messages)

    with mock.patch.object(locmem.EmailBackend, "send_messages", send):
        counts = outbox.deliver_batch(email_ids=[row.pk for row in rows], now=monday_9am)
    again = outbox.deliver_batch(email_ids=[row.pk for row in rows], now=monday_9am)

    assert counts == {OutboundEmail.State.SENT: 2, OutboundEmail.State.PENDING: 1}
    assert again == {}  # the sent ones are done, the failed one waits for its backoff
    assert sorted(m.to[0] for m in mail.outbox) == ["user0@example.com", "user2@example.com"]
    assert [OutboundEmail.objects.get(pk=row.pk).state for row in rows] == [
        OutboundEmail.State.SENT,
        OutboundEmail.State.PENDING,
        OutboundEmail.State.SENT,
    ]


def test_mail_written_while_collecting_is_left_to_the_caller_not_queued_as_a_task(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks, outbox.collecting() as ids:
        row = outbox.queue_email(to=["a@example.com"], subject="s", body="b", kind=EmailKind.TICKET_RECEIVED)
    assert ids == [row.pk]
    assert callbacks == []
    outbox.deliver_batch(email_ids=ids)
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    assert OutboundEmail.objects.get(pk=row.pk).state == OutboundEmail.State.SENT


def test_a_mail_is_built_once_and_sent_with_the_policy_its_backend_asks_for(monday_9am):
    from email import policy

    row = outbox.queue_email(to=["a@example.com"], subject="s", body="b", kind=EmailKind.TICKET_RECEIVED)
    message = outbox._built(row)
    tree = message.message()
    assert message.message(policy=policy.SMTP) is tree
    assert b"\r\n" in tree.as_bytes()  # written out with the SMTP policy's line ends
