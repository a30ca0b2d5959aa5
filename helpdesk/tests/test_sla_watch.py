"""The SLA watcher pass: selects only due tickets, flags once, notifies, escalates."""

import io
import os
import signal
import threading
import time
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import OutboundEmail, Priority, Status, Ticket, TicketEvent
from helpdesk.services.conversation import record_agent_reply
from helpdesk.services.sla_watch import run_sla_pass
from helpdesk.services.workflow import set_status
from helpdesk.tasks import run_sla_pass_task
from helpdesk.tests.factories import AgentFactory, plan
from helpdesk.tests.sla.helpers import sh, team_with_lead, ticket_on

pytestmark = pytest.mark.django_db

# Advanced plan, P3: first response 480 business minutes, warning at 75 % (360 minutes).
# Submitted Monday 2025-11-03 09:00 Beijing: warn at 16:00, due at 18:00 the same day.
SUBMITTED = sh(2025, 11, 3, 9)
WARN_AT = sh(2025, 11, 3, 16)
DUE_AT = sh(2025, 11, 3, 18)


def events(ticket: Ticket, kind: str) -> list[TicketEvent]:
    return list(ticket.events.filter(kind=kind))


@pytest.mark.parametrize("count", [1, 5])
def test_a_pass_does_not_load_tickets_whose_check_time_is_in_the_future(count, django_assert_num_queries):
    tickets = [ticket_on("advanced", now=SUBMITTED) for _ in range(count)]
    assert {ticket.sla_next_check_at for ticket in tickets} == {WARN_AT}

    with django_assert_num_queries(1):  # the indexed id query, nothing per ticket
        result = run_sla_pass(now=WARN_AT - timedelta(seconds=1))

    assert result.checked == 0


def test_a_pass_skips_resolved_tickets_even_with_a_stale_check_time():
    ticket = ticket_on("advanced", now=SUBMITTED)
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED)

    assert run_sla_pass(now=DUE_AT + timedelta(hours=1)).checked == 0


def test_warning_is_recorded_once_when_two_passes_run_at_the_same_moment():
    ticket = ticket_on("advanced", now=SUBMITTED, team=team_with_lead())
    now = WARN_AT + timedelta(minutes=1)

    first = run_sla_pass(now=now)
    second = run_sla_pass(now=now)

    assert (first.checked, first.warned, first.breached) == (1, 1, 0)
    assert (second.checked, second.warned) == (0, 0)
    [warning] = events(ticket, TicketEvent.Kind.SLA_WARNED)
    assert warning.data["target"] == "first_response"
    assert datetime.fromisoformat(warning.data["due_at"]) == DUE_AT
    ticket.refresh_from_db()
    assert ticket.first_response_warned and not ticket.first_response_breached
    assert ticket.sla_next_check_at == DUE_AT
    assert OutboundEmail.objects.filter(ticket=ticket, kind="sla_warning").count() == 1


def test_breach_is_recorded_once_and_escalates_to_the_team_lead_with_a_higher_priority():
    team = team_with_lead()
    agent = AgentFactory()
    ticket = ticket_on("advanced", now=SUBMITTED, team=team)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)
    now = DUE_AT + timedelta(minutes=1)

    first = run_sla_pass(now=now)
    second = run_sla_pass(now=now)

    assert (first.breached, first.escalated) == (1, 1)
    assert (second.checked, second.breached, second.escalated) == (0, 0, 0)
    ticket.refresh_from_db()
    assert ticket.first_response_breached
    assert ticket.priority == Priority.P2
    assert ticket.assignee == team.lead
    [breach] = events(ticket, TicketEvent.Kind.SLA_BREACHED)
    assert breach.data["target"] == "first_response"
    [escalation] = events(ticket, TicketEvent.Kind.ESCALATED)
    assert escalation.data["priority"] == ["p3", "p2"]
    assert escalation.data["assignee"] == [agent.pk, team.lead.pk]
    [priority_change] = events(ticket, TicketEvent.Kind.PRIORITY)
    assert priority_change.data == {"reason": "SLA breach"}
    # A breach found late does not also send a stale warning.
    assert events(ticket, TicketEvent.Kind.SLA_WARNED) == []
    assert OutboundEmail.objects.filter(ticket=ticket, kind="sla_breach").count() == 1
    assert ticket.sla_next_check_at > now


def test_p1_breach_keeps_the_priority_and_only_assigns_the_lead():
    team = team_with_lead()
    ticket = ticket_on("advanced", now=SUBMITTED, team=team, priority=Priority.P1)

    run_sla_pass(now=sh(2025, 11, 3, 14, 1))  # P1: 240 minutes -> due 14:00

    ticket.refresh_from_db()
    assert ticket.first_response_breached
    assert (ticket.priority, ticket.assignee) == (Priority.P1, team.lead)
    assert len(events(ticket, TicketEvent.Kind.ESCALATED)) == 1


def test_no_escalation_when_the_plan_does_not_escalate():
    team = team_with_lead()
    advanced = plan("advanced")
    advanced.escalate_on_breach = False
    advanced.save()
    ticket = ticket_on("advanced", now=SUBMITTED, team=team)

    result = run_sla_pass(now=DUE_AT + timedelta(minutes=1))

    ticket.refresh_from_db()
    assert (result.breached, result.escalated) == (1, 0)
    assert (ticket.priority, ticket.assignee) == (Priority.P3, None)
    assert events(ticket, TicketEvent.Kind.ESCALATED) == []


def test_only_the_first_breach_escalates():
    team = team_with_lead()
    ticket = ticket_on("advanced", now=SUBMITTED, team=team, priority=Priority.P4)
    run_sla_pass(now=DUE_AT + timedelta(minutes=1))  # first response breached: P4 -> P3
    ticket.refresh_from_db()
    assert ticket.priority == Priority.P3

    # Much later the resolution target breaches too: alerted, but no second priority raise.
    later = sh(2025, 12, 31, 12)
    result = run_sla_pass(now=later)

    ticket.refresh_from_db()
    assert result.breached == 1 and ticket.resolution_breached
    assert ticket.priority == Priority.P3
    assert len(events(ticket, TicketEvent.Kind.ESCALATED)) == 1


def test_warning_mail_waits_for_the_team_hours_when_the_plan_says_so():
    # Urgent plan (24x7 clock) but a team working 09:00-18:00: a warning at night waits.
    team = team_with_lead(calendar=plan("advanced").calendar)
    ticket = ticket_on("urgent", now=sh(2025, 11, 3, 20), team=team)  # P3: 60 min, warn at 45
    now = sh(2025, 11, 3, 20, 46)

    assert run_sla_pass(now=now).warned == 1

    mail = OutboundEmail.objects.get(ticket=ticket, kind="sla_warning")
    assert mail.next_attempt_at == sh(2025, 11, 4, 9)
    assert len(events(ticket, TicketEvent.Kind.SLA_WARNED)) == 1  # the event is not deferred


def test_warning_mail_goes_out_at_once_when_the_team_is_open_or_the_plan_allows_nights():
    team = team_with_lead(calendar=plan("advanced").calendar)
    urgent = plan("urgent")
    urgent.warnings_in_team_hours_only = False
    urgent.save()
    ticket = ticket_on("urgent", now=sh(2025, 11, 3, 20), team=team)
    now = sh(2025, 11, 3, 20, 46)

    run_sla_pass(now=now)

    assert OutboundEmail.objects.get(ticket=ticket, kind="sla_warning").next_attempt_at == now


def test_breach_mail_is_never_deferred_to_team_hours():
    team = team_with_lead(calendar=plan("advanced").calendar)
    ticket = ticket_on("urgent", now=sh(2025, 11, 3, 20), team=team)
    now = sh(2025, 11, 3, 21, 1)

    run_sla_pass(now=now)

    assert OutboundEmail.objects.get(ticket=ticket, kind="sla_breach").next_attempt_at == now


def test_paused_ticket_never_breaches_while_paused():
    team = team_with_lead()
    agent = AgentFactory()
    ticket = ticket_on("advanced", now=SUBMITTED, team=team)
    record_agent_reply(
        ticket=ticket,
        author=agent,
        body="请提供日志",
        status=Status.PENDING_CUSTOMER,
        now=sh(2025, 11, 3, 10),
    )
    ticket.refresh_from_db()
    assert ticket.sla_paused_since is not None
    assert ticket.resolution_due_at is None and ticket.next_response_due_at is None
    assert ticket.sla_next_check_at is None  # nothing for the watcher to do while paused

    # Even if the watcher looks at it (a stale check time), nothing can be flagged.
    Ticket.objects.filter(pk=ticket.pk).update(sla_next_check_at=sh(2025, 11, 3, 11))
    result = run_sla_pass(now=sh(2026, 1, 30, 12))

    ticket.refresh_from_db()
    assert (result.checked, result.warned, result.breached) == (1, 0, 0)
    assert not (ticket.resolution_breached or ticket.next_response_breached)
    assert ticket.sla_next_check_at is None


def test_resumed_ticket_breaches_only_after_the_paused_business_time_is_added():
    agent = AgentFactory()
    ticket = ticket_on("advanced", now=SUBMITTED, priority=Priority.P1)  # resolution 540 min
    record_agent_reply(ticket=ticket, author=agent, body="请稍等", now=sh(2025, 11, 3, 9, 30))
    set_status(ticket=ticket, status=Status.ON_HOLD, actor=agent, now=sh(2025, 11, 3, 10))
    set_status(ticket=ticket, status=Status.OPEN, actor=agent, now=sh(2025, 11, 4, 10))
    ticket.refresh_from_db()
    # 9 business hours from Mon 09:00 would be Tue 10:00; 8 paused hours push it to Wed 10:00.
    assert ticket.resolution_due_at == sh(2025, 11, 5, 10)

    run_sla_pass(now=sh(2025, 11, 5, 9, 59))
    ticket.refresh_from_db()
    assert ticket.next_response_breached  # owed since Mon 09:30, due Tue 14:30
    assert not ticket.resolution_breached

    run_sla_pass(now=sh(2025, 11, 5, 10))
    ticket.refresh_from_db()
    assert ticket.resolution_breached
    breached = ticket.events.filter(kind=TicketEvent.Kind.SLA_BREACHED).values_list("new_value", flat=True)
    assert sorted(breached) == ["next_response", "resolution"]


# A pass reads a batch of due ids, checks the batch's calendars are fresh, and reads the next
# (empty) batch: 3. Each due ticket commits on its own by design, in a savepoint: lock and read
# it with its plan, read its pauses, record the event, queue the mail, save it, release: 7.
PASS_QUERIES = 3
PER_DUE_TICKET = 7


@pytest.mark.parametrize("count", [1, 5])
def test_query_count_of_a_pass_is_fixed_per_ticket(count):
    team = team_with_lead()
    tickets = [ticket_on("advanced", now=SUBMITTED, team=team) for _ in range(count)]
    run_sla_pass(now=SUBMITTED)  # warm the calendar cache as a long-running watcher has it

    with CaptureQueriesContext(connection) as queries:
        result = run_sla_pass(now=WARN_AT + timedelta(minutes=1))

    assert result.warned == count
    assert len(tickets) == count
    assert len(queries) == PASS_QUERIES + PER_DUE_TICKET * count, [q["sql"] for q in queries]


def test_limit_caps_the_tickets_handled_in_one_pass():
    for _ in range(3):
        ticket_on("advanced", now=SUBMITTED)

    first = run_sla_pass(now=WARN_AT, limit=2)
    second = run_sla_pass(now=WARN_AT, limit=2)

    assert (first.checked, first.warned) == (2, 2)
    assert (second.checked, second.warned) == (1, 1)


def test_sla_watch_once_runs_one_pass_and_prints_its_counts(time_machine):
    ticket = ticket_on("advanced", now=SUBMITTED)
    time_machine.move_to(WARN_AT, tick=False)
    out = io.StringIO()

    call_command("sla_watch", "--once", stdout=out)

    assert "sla pass: checked=1 warned=1 breached=0" in out.getvalue()
    assert ticket.events.filter(kind=TicketEvent.Kind.SLA_WARNED).count() == 1


def test_sla_watch_loop_exits_cleanly_on_sigterm():

    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    out = io.StringIO()
    began = time.monotonic()
    timer.start()
    try:
        call_command("sla_watch", "--interval", "60", stdout=out)
    finally:
        timer.cancel()

    assert time.monotonic() - began < 10
    assert out.getvalue().count("sla pass:") >= 1
    assert out.getvalue().rstrip().endswith("sla_watch: stopped")
    assert signal.getsignal(signal.SIGTERM) == previous


def test_the_task_runs_one_pass(time_machine):
    ticket_on("advanced", now=SUBMITTED)
    time_machine.move_to(DUE_AT, tick=False)

    result = run_sla_pass_task.enqueue()

    assert result.return_value == {"checked": 1, "warned": 0, "breached": 1, "escalated": 1, "errors": 0}
