"""Leased claims: the same rules for a mail and for a webhook or alert request."""

from datetime import timedelta

import pytest
from django.db import transaction

from helpdesk.models import EmailKind, OutboundEmail, OutboundRequest
from helpdesk.services import claims, http_outbox, outbox, webhooks

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


def _mail(now):
    return outbox.queue_email(
        to=["x@example.com"], subject="s", body="b", kind=EmailKind.AGENT_REPLY, now=now
    )


def _request(now):
    # Nothing listens there; these tests claim rows and never send them.
    endpoint, _secret = webhooks.create_endpoint(
        name="CRM", url="http://127.0.0.1:18039/", events=["ticket.created"], actor=None
    )
    return http_outbox.queue_request(
        kind=OutboundRequest.Kind.WEBHOOK, event="ping", url=endpoint.url, body={}, endpoint=endpoint, now=now
    )


ROWS = [pytest.param(OutboundEmail, _mail, id="mail"), pytest.param(OutboundRequest, _request, id="http")]


@pytest.mark.parametrize(("model", "make"), ROWS)
def test_a_claimed_row_is_nobody_elses_until_its_lease_runs_out(model, make, monday_9am):
    row = make(monday_9am)

    first = claims.claim(model, pk=row.pk, now=monday_9am)
    assert first is not None
    assert claims.claim(model, pk=row.pk, now=monday_9am + claims.lease() - SECOND) is None
    second = claims.claim(model, pk=row.pk, now=monday_9am + claims.lease() + SECOND)

    assert second is not None and second[1] != first[1]
    row.refresh_from_db()
    assert (row.state, row.attempts, row.claim_token) == ("sending", 2, second[1])


@pytest.mark.parametrize(("model", "make"), ROWS)
def test_a_row_held_back_is_not_claimed_before_its_time(model, make, monday_9am):
    row = make(monday_9am)
    model.objects.filter(pk=row.pk).update(next_attempt_at=monday_9am + timedelta(minutes=5))

    assert claims.claim(model, pk=row.pk, now=monday_9am) is None
    assert claims.claim(model, pk=row.pk, now=monday_9am + timedelta(minutes=5)) is not None


@pytest.mark.parametrize(("model", "make"), ROWS)
def test_an_abandoned_row_without_attempts_left_is_given_up_not_claimed(model, make, settings, monday_9am):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    row = make(monday_9am)
    claims.claim(model, pk=row.pk, now=monday_9am)
    later = monday_9am + claims.lease() + SECOND

    assert not model.objects.filter(claims.claimable(model, later), pk=row.pk).exists()
    assert claims.claim(model, pk=row.pk, now=later) is None
    assert claims.give_up_abandoned(model, now=later) == 1
    row.refresh_from_db()
    assert (row.state, row.claim_token) == ("failed", "")
    assert "lease ran out" in row.last_error


@pytest.mark.parametrize(("model", "make"), ROWS)
def test_a_claim_inside_an_open_transaction_is_refused(model, make, monday_9am):
    row = make(monday_9am)
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        claims.claim(model, pk=row.pk, now=monday_9am)


def test_a_claimed_request_comes_with_its_target(monday_9am, django_assert_num_queries):
    row = _request(monday_9am)
    # SAVEPOINT, UPDATE, SELECT … JOIN, RELEASE: the target is read with the row.
    with django_assert_num_queries(4):
        claimed, _token = claims.claim(OutboundRequest, pk=row.pk, now=monday_9am, related=("endpoint",))
        assert claimed.endpoint.pk == row.endpoint_id


def test_the_backoff_doubles_and_is_capped():
    assert claims.backoff(1) < claims.backoff(2) < claims.backoff(3)
    assert claims.backoff(2) == 2 * claims.backoff(1)
    assert claims.backoff(50) == timedelta(seconds=claims.BACKOFF_MAX_SECONDS)
