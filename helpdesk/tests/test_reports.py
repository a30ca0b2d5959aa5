"""Report selectors against hand-computed expectations, built through the real services.

Times: Monday 2025-11-03 09:00 in Beijing is 01:00 UTC. The factories' default plan is
Advanced: a P3 first response is due within 8 business hours (09–12, 13–18 Beijing), so a
ticket submitted Monday 09:00 is due at 18:00 the same day.
"""

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.models import SatisfactionRating, SLAPlan
from helpdesk.selectors.reports import (
    Period,
    backlog_age,
    first_contact_resolution,
    overdue_open_tickets,
    reopen_rate,
    response_times,
    satisfaction,
    sla_compliance,
    sla_report,
)
from helpdesk.services.conversation import record_agent_reply
from helpdesk.services.tickets import merge_tickets
from helpdesk.services.workflow import rate_ticket, reopen_ticket, set_status
from helpdesk.tests.factories import AgentFactory, CustomerFactory, OrganizationFactory, plan, submit

pytestmark = pytest.mark.django_db

MONDAY_9 = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
# Monday 00:00 to Wednesday 00:00, Beijing.
TWO_DAYS = Period(
    start=datetime(2025, 11, 2, 16, 0, tzinfo=UTC), end=datetime(2025, 11, 4, 16, 0, tzinfo=UTC)
)
TUESDAY_NOON = datetime(2025, 11, 4, 4, 0, tzinfo=UTC)


@pytest.fixture
def agent():
    return AgentFactory()


def reply(ticket, agent, at):
    record_agent_reply(ticket=ticket, author=agent, body="您好，请按以下步骤检查科目设置。", now=at)


def resolve(ticket, agent, at):
    return set_status(ticket=ticket, status="resolved", actor=agent, now=at)


def by_group(rows):
    return {row.group: row for row in rows}


def duplicate_of(ticket, **kwargs):
    """A second ticket of the same requester (merging needs the same organization), Monday 09:00."""
    return submit(requester=ticket.requester, now=MONDAY_9, **kwargs)


def merge(source, target, agent, at):
    merge_tickets(source=source, target=target, actor=agent, now=at)


# --- compliance -------------------------------------------------------------------------------


def test_first_reply_in_time_is_met_late_reply_and_open_overdue_ticket_are_breached(agent):
    in_time = submit(now=MONDAY_9)
    reply(in_time, agent, MONDAY_9 + HOUR)
    late = submit(now=MONDAY_9)
    reply(late, agent, MONDAY_9 + 25 * HOUR)  # Tuesday 10:00, due Monday 18:00
    submit(now=MONDAY_9)  # never answered: overdue since Monday 18:00

    (row,) = sla_compliance(period=TWO_DAYS, group_by="tier", now=TUESDAY_NOON)

    assert row.group == SLAPlan.Tier.ADVANCED
    assert (row.first_response.part, row.first_response.whole) == (1, 3)
    assert row.first_response.rate == pytest.approx(1 / 3)


def test_open_ticket_not_yet_due_counts_neither_way(agent):
    submit(now=MONDAY_9)  # due Monday 18:00

    assert sla_compliance(period=TWO_DAYS, group_by="tier", now=MONDAY_9 + 2 * HOUR) == []


def test_resolution_in_period_is_met_unless_flagged_breached(agent):
    quick = submit(now=MONDAY_9)
    reply(quick, agent, MONDAY_9 + HOUR)
    resolve(quick, agent, MONDAY_9 + 2 * HOUR)
    slow = submit(now=MONDAY_9)
    reply(slow, agent, MONDAY_9 + HOUR)
    slow = resolve(slow, agent, MONDAY_9 + 2 * HOUR)
    slow.resolution_breached = True  # as if it had been resolved after its due time
    slow.save(update_fields=["resolution_breached"])

    (row,) = sla_compliance(period=TWO_DAYS, group_by="tier", now=TUESDAY_NOON)

    assert (row.resolution.part, row.resolution.whole) == (1, 2)


def test_compliance_is_split_per_tier(agent):
    standard_customer = CustomerFactory(organization=OrganizationFactory(sla_plan=plan("standard")))
    for requester in (standard_customer, None):
        ticket = submit(requester=requester, now=MONDAY_9)
        reply(ticket, agent, MONDAY_9 + HOUR)

    rows = by_group(sla_compliance(period=TWO_DAYS, group_by="tier", now=TUESDAY_NOON))

    assert set(rows) == {"standard", "advanced"}
    assert all((r.first_response.part, r.first_response.whole) == (1, 1) for r in rows.values())


def test_compliance_has_no_value_when_nothing_became_final(agent):
    ticket = submit(now=MONDAY_9)
    reply(ticket, agent, MONDAY_9 + HOUR)
    last_week = Period(start=TWO_DAYS.start - timedelta(days=7), end=TWO_DAYS.end - timedelta(days=7))

    (row,) = sla_compliance(period=TWO_DAYS, group_by="priority", now=TUESDAY_NOON)
    assert row.resolution.rate is None  # answered, not resolved
    assert sla_compliance(period=last_week, group_by="priority", now=TUESDAY_NOON) == []


# --- merged tickets ---------------------------------------------------------------------------


def test_ticket_merged_without_a_response_is_neither_met_nor_breached_but_counted_as_merged(agent):
    survivor = submit(now=MONDAY_9)
    reply(survivor, agent, MONDAY_9 + HOUR)
    # Never answered: due Monday 18:00, it would be overdue by Tuesday noon had it stayed open.
    merge(duplicate_of(survivor), survivor, agent, MONDAY_9 + 2 * HOUR)

    (row,) = sla_compliance(period=TWO_DAYS, group_by="tier", now=TUESDAY_NOON)

    assert (row.first_response.part, row.first_response.whole) == (1, 1)
    assert row.first_response_merged == 1
    assert (row.resolution.part, row.resolution.whole) == (0, 0)
    assert row.resolution_merged == 1
    assert list(overdue_open_tickets(now=TUESDAY_NOON)) == []
    (times,) = response_times(period=TWO_DAYS, group_by="tier")
    assert times.first_response.count == 1


def test_ticket_breached_before_the_merge_is_merged_not_breached(agent):
    """The definition: a merged ticket's outcome is "merged", neither met nor breached, even
    for a target it had already missed (here a late first response) before the merge. The
    survivor carries the request on and is measured; the merged count shows what was set
    aside, and the duplicate's late response time stays out of the percentiles too."""
    survivor = submit(now=MONDAY_9)
    reply(survivor, agent, MONDAY_9 + HOUR)
    duplicate = duplicate_of(survivor)
    reply(duplicate, agent, MONDAY_9 + 25 * HOUR)  # Tuesday 10:00, due Monday 18:00
    merge(duplicate, survivor, agent, MONDAY_9 + 26 * HOUR)
    duplicate.refresh_from_db()
    assert duplicate.first_response_breached  # the flag stays on the ticket

    (row,) = sla_compliance(period=TWO_DAYS, group_by="tier", now=TUESDAY_NOON)

    assert (row.first_response.part, row.first_response.whole) == (1, 1)
    assert row.first_response_merged == 1
    (times,) = response_times(period=TWO_DAYS, group_by="tier")
    assert (times.first_response.count, times.first_response.p90) == (1, 3600)


def test_ticket_merged_later_counts_as_merged_in_the_period_of_the_merge(agent):
    survivor = submit(now=MONDAY_9)
    reply(survivor, agent, MONDAY_9 + HOUR)
    merge(duplicate_of(survivor), survivor, agent, MONDAY_9 + 3 * 24 * HOUR)  # Thursday 09:00
    thursday_on = Period(start=TWO_DAYS.end, end=TWO_DAYS.end + timedelta(days=2))

    (row,) = sla_compliance(period=TWO_DAYS, group_by="tier", now=thursday_on.end)
    assert (row.first_response.whole, row.first_response_merged) == (1, 0)
    (row,) = sla_compliance(period=thursday_on, group_by="tier", now=thursday_on.end)
    assert (row.first_response.whole, row.first_response_merged, row.resolution_merged) == (0, 1, 1)


def test_ticket_resolved_then_merged_is_not_resolved_for_fcr_reopens_or_times(agent):
    survivor = submit(now=MONDAY_9)
    reply(survivor, agent, MONDAY_9 + HOUR)
    duplicate = duplicate_of(survivor)
    reply(duplicate, agent, MONDAY_9 + HOUR)
    resolve(duplicate, agent, MONDAY_9 + 2 * HOUR)  # one reply, not reopened: first contact
    merge(duplicate, survivor, agent, MONDAY_9 + 3 * HOUR)

    assert first_contact_resolution(period=TWO_DAYS, group_by="tier") == []
    assert reopen_rate(period=TWO_DAYS, group_by="tier") == []
    (row,) = sla_compliance(period=TWO_DAYS, group_by="tier", now=TUESDAY_NOON)
    assert (row.resolution.whole, row.resolution_merged) == (0, 1)
    (times,) = response_times(period=TWO_DAYS, group_by="tier")
    assert times.resolution.count == 0


def test_report_rows_and_totals_carry_the_merged_counts(agent):
    advanced = submit(now=MONDAY_9)
    reply(advanced, agent, MONDAY_9 + HOUR)
    merge(duplicate_of(advanced), advanced, agent, MONDAY_9 + 2 * HOUR)
    standard = submit(
        requester=CustomerFactory(organization=OrganizationFactory(sla_plan=plan("standard"))), now=MONDAY_9
    )
    merge(duplicate_of(standard), standard, agent, MONDAY_9 + 2 * HOUR)

    report = sla_report(period=TWO_DAYS, group_by="tier", now=TUESDAY_NOON)

    assert [(row.group, row.first_response_merged) for row in report.rows] == [
        ("standard", 1),
        ("advanced", 1),
    ]
    assert (report.total.first_response_merged, report.total.resolution_merged) == (2, 2)
    assert report.total.first_response.whole == 2  # the survivors: one met, one overdue
    assert report.overdue == [standard]


def test_overdue_open_tickets_lists_unanswered_and_unresolved_past_due(agent):
    answered = submit(now=MONDAY_9)
    reply(answered, agent, MONDAY_9 + HOUR)
    unanswered = submit(now=MONDAY_9)

    overdue = list(overdue_open_tickets(now=TUESDAY_NOON))

    assert overdue == [unanswered]
    assert overdue[0].first_response_overdue is True


# --- response times ---------------------------------------------------------------------------


def test_median_and_p90_are_nearest_rank_in_business_seconds(agent):
    # Replies after 1, 2, 3, 4 and 5 business hours (13:00–14:00 is lunch).
    for at_hour in (10, 11, 12, 14, 15):
        ticket = submit(now=MONDAY_9)
        reply(ticket, agent, MONDAY_9 + (at_hour - 9) * HOUR)

    (row,) = response_times(period=TWO_DAYS, group_by="tier")

    assert row.first_response.count == 5
    assert row.first_response.median == 3 * 3600
    assert row.first_response.p90 == 5 * 3600
    assert row.first_response.mean == pytest.approx(3 * 3600)
    assert row.resolution.count == 0 and row.resolution.median is None and row.resolution.mean is None


def test_response_times_of_an_empty_period_are_empty():
    assert response_times(period=TWO_DAYS, group_by="team") == []


def test_p90_of_ten_values_is_the_ninth(agent):
    for minutes in range(10, 110, 10):
        ticket = submit(now=MONDAY_9)
        reply(ticket, agent, MONDAY_9 + timedelta(minutes=minutes))

    (row,) = response_times(period=TWO_DAYS, group_by="priority")

    assert (row.first_response.median, row.first_response.p90) == (50 * 60, 90 * 60)


# --- outcomes ---------------------------------------------------------------------------------


def _resolved_trio(agent):
    """One ticket solved with one reply, one with two, one reopened and solved again."""
    one = submit(now=MONDAY_9)
    reply(one, agent, MONDAY_9 + HOUR)
    resolve(one, agent, MONDAY_9 + 2 * HOUR)
    two = submit(now=MONDAY_9)
    reply(two, agent, MONDAY_9 + HOUR)
    reply(two, agent, MONDAY_9 + 2 * HOUR)
    resolve(two, agent, MONDAY_9 + 3 * HOUR)
    again = submit(now=MONDAY_9)
    reply(again, agent, MONDAY_9 + HOUR)
    again = resolve(again, agent, MONDAY_9 + 2 * HOUR)
    again = reopen_ticket(ticket=again, actor=agent, now=MONDAY_9 + 4 * HOUR)
    resolve(again, agent, MONDAY_9 + 5 * HOUR)
    return one, two, again


def test_first_contact_resolution_counts_one_reply_and_no_reopen(agent):
    _resolved_trio(agent)
    submit(now=MONDAY_9)  # open: not in the denominator

    (row,) = first_contact_resolution(period=TWO_DAYS, group_by="tier")

    assert (row.ratio.part, row.ratio.whole) == (1, 3)


def test_reopen_rate_is_reopened_of_resolved(agent):
    _resolved_trio(agent)

    (row,) = reopen_rate(period=TWO_DAYS, group_by="tier")

    assert (row.ratio.part, row.ratio.whole) == (1, 3)
    assert row.ratio.rate == pytest.approx(1 / 3)


def test_csat_is_good_ratings_of_ratings_and_response_rate_rated_of_surveyed(agent):
    tickets = []
    for _ in range(4):
        ticket = submit(now=MONDAY_9)
        reply(ticket, agent, MONDAY_9 + HOUR)
        tickets.append(resolve(ticket, agent, MONDAY_9 + 2 * HOUR))
    for ticket, score in zip(tickets, (5, 4, 2), strict=False):
        token = SatisfactionRating.objects.get(ticket=ticket).token
        rate_ticket(token=token, score=score, now=MONDAY_9 + 3 * HOUR)

    (row,) = satisfaction(period=TWO_DAYS, group_by="tier")

    assert (row.csat.part, row.csat.whole) == (2, 3)
    assert (row.response.part, row.response.whole) == (3, 4)


def test_backlog_puts_open_tickets_in_age_buckets(agent):
    now = MONDAY_9 + timedelta(days=60)
    for age in (
        timedelta(hours=2),
        timedelta(days=2),
        timedelta(days=5),
        timedelta(days=10),
        timedelta(days=40),
    ):
        submit(now=now - age)
    solved = submit(now=now - timedelta(days=2))
    resolve(solved, agent, now - timedelta(days=1))

    (row,) = backlog_age(now=now, group_by="tier")

    assert row.buckets == {"under_1d": 1, "1_3d": 1, "3_7d": 1, "7_30d": 1, "over_30d": 1}
    assert row.total == 5


# --- the assembled report and query counts ----------------------------------------------------


def test_report_assembles_groups_and_totals(agent):
    _resolved_trio(agent)
    submit(
        requester=CustomerFactory(organization=OrganizationFactory(sla_plan=plan("standard"))), now=MONDAY_9
    )

    report = sla_report(period=TWO_DAYS, group_by="tier", now=TUESDAY_NOON)

    assert [row.group for row in report.rows] == ["standard", "advanced"]
    assert report.rows[1].label == "Advanced"
    assert report.total.fcr.whole == 3
    assert report.total.first_response_times.count == 3
    assert report.deflection["rate"] is None


def _make(count, agent):
    for i in range(count):
        ticket = submit(now=MONDAY_9, priority=("p2", "p3")[i % 2])
        reply(ticket, agent, MONDAY_9 + HOUR * (1 + i % 4))
        if i % 3 == 1:  # merged tickets take the same queries
            merge(duplicate_of(ticket, priority=ticket.priority), ticket, agent, MONDAY_9 + 4 * HOUR)
        if i % 3:
            resolve(ticket, agent, MONDAY_9 + 5 * HOUR)


@pytest.mark.parametrize(
    ("select", "queries"),
    [
        (lambda: sla_compliance(period=TWO_DAYS, group_by="priority", now=TUESDAY_NOON), 2),
        (lambda: response_times(period=TWO_DAYS, group_by="priority"), 2),
        (lambda: first_contact_resolution(period=TWO_DAYS, group_by="priority"), 1),
        (lambda: satisfaction(period=TWO_DAYS, group_by="priority"), 1),
        (lambda: reopen_rate(period=TWO_DAYS, group_by="priority"), 1),
        (lambda: backlog_age(now=TUESDAY_NOON, group_by="priority"), 1),
        (lambda: list(overdue_open_tickets(now=TUESDAY_NOON)), 1),
        (lambda: sla_report(period=TWO_DAYS, group_by="priority", now=TUESDAY_NOON), 12),
    ],
)
def test_report_query_counts_are_fixed_and_do_not_grow_with_tickets(
    select, queries, agent, django_assert_num_queries
):
    _make(3, agent)
    with django_assert_num_queries(queries):
        select()
    _make(30, agent)
    with django_assert_num_queries(queries):
        select()
