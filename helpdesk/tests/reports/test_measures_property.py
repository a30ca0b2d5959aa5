"""Every dashboard measure against a plain recomputation from raw messages, events and ratings.

Hypothesis writes random histories (submitted, answered, resolved, reopened, rated, at random
moments) through the real services with injected times; the rollups are folded by the same
after-commit hook production uses. The recomputation below reads only TicketMessage,
TicketEvent, SatisfactionRating, the due times set at creation and the business calendar.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk.models import SatisfactionRating, Status, TicketEvent, TicketMessage
from helpdesk.selectors.reports import Period, measures
from helpdesk.services.conversation import record_agent_reply
from helpdesk.services.workflow import rate_ticket, reopen_ticket, set_status
from helpdesk.sla import business_time
from helpdesk.sla.calendars import load_calendar
from helpdesk.tests.factories import AgentFactory, CategoryFactory, submit

from .conftest import MONDAY_9

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)
# Rollups count whole days of the site's zone: Tuesday 00:00 Beijing, for 7 days (exact percentiles).
PERIOD = Period(start=MONDAY_9 + 15 * HOUR, end=MONDAY_9 + 15 * HOUR + timedelta(days=7))
LONG = Period(
    start=MONDAY_9 - 9 * HOUR - timedelta(days=30), end=MONDAY_9 - 9 * HOUR + timedelta(days=60)
)  # histograms
NOW = MONDAY_9 + timedelta(days=20)

ticket_plan = st.fixed_dictionaries(
    {
        "created": st.integers(0, 150),
        "replies": st.lists(st.integers(1, 60), max_size=3),
        "resolve": st.none() | st.integers(1, 80),
        "reopen": st.none() | st.integers(1, 48),
        "score": st.none() | st.integers(1, 5),
        "wait": st.booleans(),  # unresolved and answered: left waiting on the customer
    }
)


def play(plans, agent, category):
    for plan in plans:
        at = MONDAY_9 + plan["created"] * HOUR
        ticket = submit(category=category, now=at)
        moment = at
        for delay in plan["replies"]:
            moment += delay * HOUR
            record_agent_reply(ticket=ticket, author=agent, body="您好，请按步骤检查。", now=moment)
        if plan["resolve"] is None:
            if plan["wait"] and plan["replies"]:
                set_status(ticket=ticket, status=Status.PENDING_CUSTOMER, actor=agent, now=moment + HOUR)
            continue
        moment += plan["resolve"] * HOUR
        set_status(ticket=ticket, status=Status.RESOLVED, actor=agent, now=moment)
        if plan["score"] is not None:
            token = SatisfactionRating.objects.filter(ticket=ticket).latest("surveyed_at").token
            rate_ticket(token=token, score=plan["score"], actor=ticket.requester, now=moment + HOUR)
        if plan["reopen"] is not None:
            reopen_ticket(ticket=ticket, actor=agent, now=moment + plan["reopen"] * HOUR)


def within(period, moment):
    return moment is not None and period.start <= moment < period.end


def nearest_rank(values, percent):
    values = sorted(values)
    return values[(len(values) * percent + 99) // 100 - 1] if values else None


def recompute(period, tickets):
    """The DESIGN.md definitions, from the raw rows."""
    out = dict.fromkeys(
        ("created", "resolved", "fr_met", "fr_breached", "res_met", "res_breached", "fcr", "reopened"), 0
    )
    fr_seconds, res_seconds = [], []
    cutoff = min(period.end, NOW)
    for ticket in tickets:
        calendar = load_calendar(ticket.sla_calendar_id)
        replies = sorted(
            m.created_at
            for m in TicketMessage.objects.filter(ticket=ticket, kind=TicketMessage.Kind.PUBLIC_REPLY)
        )
        events = list(TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "pk"))
        resolutions = [
            e.created_at for e in events if e.kind == TicketEvent.Kind.STATUS and e.new_value == "resolved"
        ]
        reopens = [e.created_at for e in events if e.kind == TicketEvent.Kind.REOPENED]
        out["created"] += within(period, ticket.created_at)
        first = replies[0] if replies else None
        if within(period, first):
            out["fr_met" if first <= ticket.first_response_due_at else "fr_breached"] += 1
            fr_seconds.append(business_time.business_seconds_between(calendar, ticket.created_at, first))
        elif first is None and ticket.is_open and ticket.first_response_due_at < cutoff:
            out["fr_breached"] += 1
        resolved = resolutions[-1] if resolutions and ticket.status == Status.RESOLVED else None
        if within(period, resolved):
            out["resolved"] += 1
            out["res_met" if resolved <= ticket.resolution_due_at else "res_breached"] += 1
            res_seconds.append(business_time.business_seconds_between(calendar, ticket.created_at, resolved))
            out["reopened"] += bool(reopens)
            out["fcr"] += len(replies) == 1 and not reopens
        elif (
            resolved is None
            and ticket.status in (Status.NEW, Status.OPEN)
            and ticket.resolution_due_at < cutoff
        ):
            out["res_breached"] += 1
    out["backlog"], out["open_breached"] = backlog_at(NOW, tickets)
    ratings = SatisfactionRating.objects.filter(ticket__in=tickets)
    rated = [r for r in ratings if within(period, r.rated_at)]
    surveyed = [r for r in ratings if within(period, r.surveyed_at)]
    out["csat"] = (sum(r.score >= 4 for r in rated), len(rated))
    out["response"] = (sum(r.rated_at is not None for r in surveyed), len(surveyed))
    out["fr_times"] = (len(fr_seconds), nearest_rank(fr_seconds, 50), nearest_rank(fr_seconds, 90))
    out["res_times"] = (len(res_seconds), nearest_rank(res_seconds, 50), nearest_rank(res_seconds, 90))
    return out


def backlog_at(now, tickets):
    """Open tickets by age at `now` (DESIGN buckets), and how many are past a due time."""
    counts, breached = [0] * 5, 0
    for ticket in tickets:
        if not ticket.is_open:
            continue
        age = now - ticket.created_at
        counts[next((i for i, days in enumerate([1, 3, 7, 30]) if age < timedelta(days=days)), 4)] += 1
        answered = TicketMessage.objects.filter(ticket=ticket, kind=TicketMessage.Kind.PUBLIC_REPLY).exists()
        breached += (not answered and ticket.first_response_due_at < now) or (
            ticket.status in (Status.NEW, Status.OPEN) and ticket.resolution_due_at < now
        )
    return counts, breached


def observed(period):
    m = measures(period=period, now=NOW)
    return {
        "created": m.created,
        "resolved": m.resolved,
        "fr_met": m.first_response.part,
        "fr_breached": m.first_response.whole - m.first_response.part,
        "res_met": m.resolution.part,
        "res_breached": m.resolution.whole - m.resolution.part,
        "fcr": m.fcr.part,
        "reopened": m.reopens.part,
        "csat": (m.csat.part, m.csat.whole),
        "response": (m.survey_response.part, m.survey_response.whole),
        "fr_times": (m.first_response_times.count, m.first_response_times.median, m.first_response_times.p90),
        "res_times": (m.resolution_times.count, m.resolution_times.median, m.resolution_times.p90),
        "backlog": list(m.backlog.values()),
        "open_breached": m.open_breached,
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=st.lists(ticket_plan, min_size=1, max_size=5))
def test_every_measure_matches_a_plain_recomputation(plans, django_capture_on_commit_callbacks):
    with transaction.atomic():
        agent, category = AgentFactory(), CategoryFactory()
        with django_capture_on_commit_callbacks(execute=True):
            play(plans, agent, category)
        tickets = list(category.tickets.all())
        assert observed(PERIOD) == recompute(PERIOD, tickets)
        long_expected, long_seen = recompute(LONG, tickets), observed(LONG)
        for key in ("fr_times", "res_times"):  # histograms: the count is exact, the values within a bucket
            count, *values = long_expected.pop(key)
            seen_count, *seen_values = long_seen.pop(key)
            assert seen_count == count
            for want, got in zip(values, seen_values, strict=True):
                assert (want is None) == (got is None)
                if want:
                    assert abs(got - want) <= want * 0.13
        assert long_seen == long_expected
        for days in (0.5, 2, 5, 12, 45):  # every age bucket, and due times on either side of now
            now = MONDAY_9 + timedelta(days=days)
            m = measures(period=PERIOD, now=now)
            assert (list(m.backlog.values()), m.open_breached) == backlog_at(now, tickets)
        transaction.set_rollback(True)
