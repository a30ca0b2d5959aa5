"""A report period is half-open: it contains its start and stops just before its end."""

from datetime import timedelta

import pytest

from helpdesk.models import Ticket
from helpdesk.selectors.reports.common import Period
from helpdesk.tests.factories import submit

pytestmark = pytest.mark.django_db


def test_a_period_contains_its_start_but_not_its_end(monday_9am):
    period = Period(monday_9am, monday_9am + timedelta(days=1))
    at_start, before_end, at_end, unresolved = (submit(now=monday_9am) for _ in range(4))
    for ticket, moment in ((at_start, period.start), (before_end, period.end - timedelta(seconds=1))):
        Ticket.objects.filter(pk=ticket.pk).update(resolved_at=moment)
    Ticket.objects.filter(pk=at_end.pk).update(resolved_at=period.end)

    inside = set(Ticket.objects.filter(period.contains("resolved_at")).values_list("pk", flat=True))

    assert inside == {at_start.pk, before_end.pk}
    assert unresolved.pk not in inside


def test_a_ticket_without_the_moment_is_neither_inside_nor_outside_the_period(monday_9am):
    period = Period(monday_9am, monday_9am + timedelta(days=1))
    resolved_later, unresolved = submit(now=monday_9am), submit(now=monday_9am)
    Ticket.objects.filter(pk=resolved_later.pk).update(resolved_at=period.end + timedelta(days=1))

    outside = set(Ticket.objects.exclude(period.contains("resolved_at")).values_list("pk", flat=True))

    assert outside == {resolved_later.pk}
    assert unresolved.pk not in outside


def test_a_period_refuses_to_end_before_it_starts(monday_9am):
    with pytest.raises(ValueError, match="Period end must be after its start"):
        Period(monday_9am, monday_9am)
