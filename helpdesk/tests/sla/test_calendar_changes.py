"""Editing calendars: open tickets follow, closed history stays; China's holiday import."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction

from helpdesk.models import (
    BusinessCalendar,
    CalendarOverride,
    OverrideSource,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)
from helpdesk.services.calendars import calendar_changed, recompute_open_tickets
from helpdesk.services.conversation import record_agent_reply
from helpdesk.services.workflow import set_status
from helpdesk.sla.defaults import override_rows
from helpdesk.sla.selectors import missing_holiday_years
from helpdesk.tests.factories import AgentFactory, plan
from helpdesk.tests.reports.helpers import without_rollups
from helpdesk.tests.sla.helpers import sh, ticket_on

pytestmark = pytest.mark.django_db


def advanced_calendar():
    return plan("advanced").calendar


def test_editing_a_calendar_recomputes_open_tickets_only():
    agent = AgentFactory()
    open_ticket = ticket_on("advanced", now=sh(2025, 11, 3, 9))
    resolved = ticket_on("advanced", now=sh(2025, 11, 3, 9))
    record_agent_reply(ticket=resolved, author=agent, body="已解决", now=sh(2025, 11, 3, 9, 30))
    set_status(ticket=resolved, status=Status.RESOLVED, actor=agent, now=sh(2025, 11, 3, 10))
    other_plan = ticket_on("urgent", now=sh(2025, 11, 3, 9))
    resolved.refresh_from_db()
    resolved_before = (resolved.first_response_due_at, resolved.resolution_due_at, resolved.updated_at)
    urgent_due = other_plan.first_response_due_at

    # The company declares Monday 3 November a holiday after the tickets came in.
    CalendarOverride.objects.create(calendar=advanced_calendar(), date=date(2025, 11, 3), name="公司活动日")
    changed = recompute_open_tickets(calendar_id=advanced_calendar().pk, now=sh(2025, 11, 3, 11))

    assert changed == 1
    open_ticket.refresh_from_db()
    assert open_ticket.first_response_due_at == sh(2025, 11, 4, 18)
    [event] = open_ticket.events.filter(kind=TicketEvent.Kind.SLA_RECOMPUTED)
    assert "first_response_due_at" in event.data and "resolution_due_at" in event.data
    assert open_ticket.sla_next_check_at == sh(2025, 11, 4, 16)  # 75 % of 480 min: Tue 16:00
    resolved.refresh_from_db()
    assert (
        resolved.first_response_due_at,
        resolved.resolution_due_at,
        resolved.updated_at,
    ) == resolved_before
    assert not resolved.events.filter(kind=TicketEvent.Kind.SLA_RECOMPUTED).exists()
    other_plan.refresh_from_db()
    assert other_plan.first_response_due_at == urgent_due


def test_recompute_without_a_change_records_nothing():
    ticket = ticket_on("advanced", now=sh(2025, 11, 3, 9))

    assert recompute_open_tickets(calendar_id=advanced_calendar().pk) == 0
    assert not ticket.events.filter(kind=TicketEvent.Kind.SLA_RECOMPUTED).exists()


def test_recompute_keeps_a_paused_ticket_paused():
    agent = AgentFactory()
    ticket = ticket_on("advanced", now=sh(2025, 11, 3, 9))
    set_status(ticket=ticket, status=Status.ON_HOLD, actor=agent, now=sh(2025, 11, 3, 10))
    CalendarOverride.objects.create(calendar=advanced_calendar(), date=date(2025, 11, 3))

    recompute_open_tickets(calendar_id=advanced_calendar().pk)

    ticket.refresh_from_db()
    assert ticket.resolution_due_at is None
    assert ticket.first_response_due_at == sh(2025, 11, 4, 18)  # first response is never paused


def cn_rows(calendar, year):
    return CalendarOverride.objects.filter(calendar=calendar, date__year=year)


def test_import_cn_holidays_fills_rows_and_is_idempotent():
    calendar = advanced_calendar()
    cn_rows(calendar, 2026).delete()
    out = io.StringIO()

    call_command("import_cn_holidays", "--year", "2026", stdout=out)
    first = {(o.date, o.is_working, tuple(map(tuple, o.intervals)), o.name) for o in cn_rows(calendar, 2026)}
    call_command("import_cn_holidays", "--year", "2026", stdout=out)
    second = {(o.date, o.is_working, tuple(map(tuple, o.intervals)), o.name) for o in cn_rows(calendar, 2026)}

    expected = override_rows(years=[2026], workday_intervals=[(540, 720), (780, 1080)])
    assert len(first) == len(expected) > 20
    assert first == second
    assert (date(2026, 10, 1), False, (), "国庆节") in first
    assert (date(2026, 10, 10), True, ((540, 720), (780, 1080)), "国庆节 调休上班") in first
    # The standard calendar's adjusted working days are open all day.
    standard = cn_rows(plan("standard").calendar, 2026).get(date=date(2026, 10, 10))
    assert standard.intervals == [[0, 1440]]
    lines = out.getvalue().splitlines()
    assert "0 created, 0 updated" in lines[-1]


def test_import_keeps_rows_edited_in_the_admin_and_removes_dropped_ones():
    calendar = advanced_calendar()
    edited = cn_rows(calendar, 2026).get(date=date(2026, 10, 1))
    edited.is_working, edited.intervals, edited.source = True, [[540, 720]], OverrideSource.MANUAL
    edited.save()
    bogus = CalendarOverride.objects.create(
        calendar=calendar, date=date(2026, 3, 3), name="错误的假日", source=OverrideSource.CHINESECALENDAR
    )

    call_command("import_cn_holidays", "--year", "2026", "--calendar", calendar.name, stdout=io.StringIO())

    edited.refresh_from_db()
    assert edited.is_working and edited.source == OverrideSource.MANUAL
    assert not CalendarOverride.objects.filter(pk=bogus.pk).exists()


def test_import_recomputes_open_tickets_on_the_calendar(django_capture_on_commit_callbacks):
    cn_rows(advanced_calendar(), 2026).delete()
    ticket = ticket_on("advanced", now=sh(2026, 9, 30, 17), priority=Priority.P1)
    assert ticket.first_response_due_at == sh(2026, 10, 1, 12)  # holidays unknown yet

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_cn_holidays", "--year", "2026", stdout=io.StringIO())

    ticket.refresh_from_db()
    assert ticket.first_response_due_at == sh(2026, 10, 8, 12)


def test_import_says_the_recompute_runs_in_the_background_only_for_calendars_it_changed():
    cn_rows(advanced_calendar(), 2026).delete()
    out = io.StringIO()

    call_command("import_cn_holidays", "--year", "2026", stdout=out)

    lines = {line.split(" 2026:")[0]: line for line in out.getvalue().splitlines()}
    background = "due times of its open tickets are being recomputed in the background"
    assert background in lines[advanced_calendar().name]
    assert background not in lines[plan("standard").calendar.name]  # already up to date


def test_a_calendar_edit_queues_the_recompute_only_when_it_commits(django_capture_on_commit_callbacks):
    ticket = ticket_on("advanced", now=sh(2025, 11, 3, 9))
    due_before = ticket.first_response_due_at

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="the edit fails"),
        transaction.atomic(),
    ):
        CalendarOverride.objects.create(calendar=advanced_calendar(), date=date(2025, 11, 3))
        calendar_changed(calendar_id=advanced_calendar().pk)
        raise RuntimeError("the edit fails")

    assert callbacks == []
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == due_before


def test_a_committed_calendar_edit_moves_due_times_through_the_task(django_capture_on_commit_callbacks):
    ticket = ticket_on("advanced", now=sh(2025, 11, 3, 9))

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        CalendarOverride.objects.create(calendar=advanced_calendar(), date=date(2025, 11, 3))
        calendar_changed(calendar_id=advanced_calendar().pk)
        ticket.refresh_from_db()
        assert ticket.first_response_due_at == sh(2025, 11, 3, 18)  # not yet: after commit

    assert len(without_rollups(callbacks)) == 1
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == sh(2025, 11, 4, 18)
    assert ticket.events.filter(kind=TicketEvent.Kind.SLA_RECOMPUTED).count() == 1


def test_the_recompute_task_of_a_calendar_deleted_meanwhile_does_nothing():
    from helpdesk.tasks import recompute_due_times

    gone = BusinessCalendar.objects.create(name="临时日历")
    gone_id = gone.pk
    gone.delete()

    assert recompute_due_times.enqueue(calendar_id=gone_id).return_value == 0


def test_an_override_source_must_be_one_of_the_known_sources():
    override = CalendarOverride(calendar=advanced_calendar(), date=date(2025, 11, 3), source="excel")

    with pytest.raises(ValidationError, match="Value 'excel' is not a valid choice"):
        override.full_clean()


def test_import_of_a_year_without_data_fails_with_a_clear_error():
    with pytest.raises(CommandError, match="no holiday data for 2027"):
        call_command("import_cn_holidays", "--year", "2027", stdout=io.StringIO())
    assert not CalendarOverride.objects.filter(date__year=2027).exists()


def test_import_into_an_unknown_calendar_fails():
    with pytest.raises(CommandError, match="No calendar named"):
        call_command("import_cn_holidays", "--year", "2026", "--calendar", "nope", stdout=io.StringIO())


def test_no_holiday_warning_before_december_when_this_year_is_covered():
    assert missing_holiday_years(today=date(2026, 11, 30)) == []


def test_december_warns_about_next_years_missing_holidays():
    missing = missing_holiday_years(today=date(2026, 12, 1))

    assert {m.year for m in missing} == {2027}
    assert {m.calendar_name for m in missing} == {plan("standard").calendar.name, advanced_calendar().name}
    assert not any(m.package_has_data for m in missing)  # chinesecalendar 1.11 stops at 2026


def test_a_calendar_with_next_years_rows_is_not_reported():
    CalendarOverride.objects.create(calendar=advanced_calendar(), date=date(2027, 1, 1), name="元旦")

    missing = missing_holiday_years(today=date(2026, 12, 15))

    assert [m.calendar_name for m in missing] == [plan("standard").calendar.name]


def test_a_year_already_begun_without_rows_is_reported():
    missing = missing_holiday_years(today=date(2027, 3, 1))

    assert {(m.year, m.package_has_data) for m in missing} == {(2027, False)}


def test_calendars_not_following_cn_holidays_are_never_reported():
    urgent_calendar = plan("urgent").calendar
    missing = missing_holiday_years(today=date(2030, 12, 31))

    assert urgent_calendar.name not in {m.calendar_name for m in missing}
    assert Ticket.objects.count() == 0
