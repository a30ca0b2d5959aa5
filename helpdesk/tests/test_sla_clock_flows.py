"""The SLA clock through the real ticket services: submit, reply, pause, resolve, reopen."""

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk.models import Priority, SLATarget, Status, TicketEvent
from helpdesk.services.conversation import add_internal_note, record_agent_reply, record_customer_reply
from helpdesk.services.tickets import set_priority
from helpdesk.services.workflow import reopen_ticket, set_status
from helpdesk.sla import business_time
from helpdesk.sla.calendars import load_calendar
from helpdesk.tests.factories import AgentFactory, CategoryFactory, plan
from helpdesk.tests.sla.helpers import sh, ticket_on

pytestmark = pytest.mark.django_db

MONDAY_9 = sh(2025, 11, 3, 9)  # a plain working Monday, no holiday that week


@pytest.fixture
def agent():
    return AgentFactory()


def test_advanced_p3_submitted_monday_9am_is_due_for_first_response_at_6pm():
    ticket = ticket_on("advanced", now=MONDAY_9)

    assert ticket.first_response_due_at == sh(2025, 11, 3, 18)
    # Resolution: 2700 business minutes = five 8-hour days plus 5 hours.
    assert ticket.resolution_due_at == sh(2025, 11, 10, 15)
    assert ticket.next_response_due_at is None
    assert ticket.sla_snapshot["first_response_minutes"] == 480
    [created] = ticket.events.filter(kind=TicketEvent.Kind.CREATED)
    assert datetime.fromisoformat(created.data["first_response_due_at"]) == sh(2025, 11, 3, 18)


def test_advanced_p1_submitted_before_lunch_skips_the_lunch_break():
    ticket = ticket_on("advanced", now=sh(2025, 11, 3, 11), priority=Priority.P1)

    assert ticket.first_response_due_at == sh(2025, 11, 3, 16)  # 11-12, then 13-16


def test_advanced_ticket_before_national_day_skips_the_holiday_week():
    # 2025-09-30 17:00 (Tue); 1-8 Oct are holidays, Sat 11 Oct is an adjusted working day.
    ticket = ticket_on("advanced", now=sh(2025, 9, 30, 17), priority=Priority.P1)

    assert ticket.first_response_due_at == sh(2025, 10, 9, 12)


def test_standard_plan_friday_4pm_is_due_monday_4pm():
    ticket = ticket_on("standard", now=sh(2025, 11, 7, 16))

    assert ticket.first_response_due_at == sh(2025, 11, 10, 16)


def test_urgent_plan_is_due_one_hour_later_even_on_a_sunday_night():
    ticket = ticket_on("urgent", now=sh(2025, 11, 9, 23, 30))

    assert ticket.first_response_due_at == sh(2025, 11, 10, 0, 30)


def test_resolution_target_follows_category_complexity():
    simple = ticket_on("advanced", now=MONDAY_9, category=CategoryFactory(complexity="simple"))
    complex_ = ticket_on(
        "advanced",
        now=MONDAY_9,
        category=CategoryFactory(complexity="complex"),
        details={
            "environment": "Windows Server 2019，SQL Server 2017，金蝶云星空私有云部署，专线连接，集成账号 kx_sync"
        },
        attachments=[SimpleUploadedFile("sync.log", b"2025-11-03 ERROR 4012\n", content_type="text/plain")],
    )

    assert simple.sla_snapshot["resolution_minutes"] == 1350
    assert complex_.sla_snapshot["resolution_minutes"] == 5400


def test_agent_reply_stamps_first_response_in_business_and_calendar_seconds(agent):
    ticket = ticket_on("advanced", now=sh(2025, 11, 3, 17))
    record_agent_reply(ticket=ticket, author=agent, body="您好，我们正在排查。", now=sh(2025, 11, 4, 10))

    ticket.refresh_from_db()
    assert ticket.first_response_at == sh(2025, 11, 4, 10)
    assert ticket.first_response_seconds == 17 * 3600
    assert ticket.first_response_business_seconds == 2 * 3600  # Mon 17-18, Tue 09-10
    assert not ticket.first_response_breached
    assert ticket.first_response_due_at == sh(2025, 11, 4, 17)  # kept as it was
    # Next response (P3: 540 business minutes) is owed from the reply.
    assert ticket.next_response_started_at == sh(2025, 11, 4, 10)
    assert ticket.next_response_due_at == sh(2025, 11, 5, 11)
    assert ticket.status == Status.OPEN


def test_late_first_reply_is_flagged_breached_with_an_event(agent):
    ticket = ticket_on("advanced", now=MONDAY_9)
    record_agent_reply(ticket=ticket, author=agent, body="抱歉久等", now=sh(2025, 11, 4, 9, 30))

    ticket.refresh_from_db()
    assert ticket.first_response_breached
    [breach] = ticket.events.filter(kind=TicketEvent.Kind.SLA_BREACHED)
    assert breach.data["target"] == "first_response"


def test_internal_note_is_not_a_first_response(agent):
    ticket = ticket_on("advanced", now=MONDAY_9)
    add_internal_note(ticket=ticket, author=agent, body="先查一下科目配置", now=sh(2025, 11, 3, 10))

    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert ticket.first_response_business_seconds is None
    assert ticket.agent_reply_count == 0
    assert ticket.first_response_due_at == sh(2025, 11, 3, 18)


def test_customer_reply_restarts_the_next_response_clock_after_an_agent_reply(agent):
    ticket = ticket_on("advanced", now=MONDAY_9)
    record_agent_reply(ticket=ticket, author=agent, body="请确认科目", now=sh(2025, 11, 3, 10))
    record_customer_reply(ticket=ticket, author=ticket.requester, body="已确认", now=sh(2025, 11, 3, 15))

    ticket.refresh_from_db()
    assert ticket.next_response_started_at == sh(2025, 11, 3, 15)
    assert ticket.next_response_due_at == sh(2025, 11, 4, 16)  # 540 min: Mon 15-18, Tue 9-12, 13-16


def test_pending_customer_pauses_resolution_and_resume_adds_exactly_the_paused_business_time(agent):
    ticket = ticket_on("advanced", now=MONDAY_9)
    calendar = load_calendar(ticket.sla_calendar_id)
    due_before = ticket.resolution_due_at
    record_agent_reply(
        ticket=ticket,
        author=agent,
        body="请上传日志",
        status=Status.PENDING_CUSTOMER,
        now=sh(2025, 11, 3, 10),
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_CUSTOMER
    assert ticket.resolution_due_at is None and ticket.next_response_due_at is None
    assert ticket.events.filter(kind=TicketEvent.Kind.SLA_PAUSED).count() == 1

    record_customer_reply(ticket=ticket, author=ticket.requester, body="日志已上传", now=sh(2025, 11, 4, 10))

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.sla_paused_since is None
    assert ticket.events.filter(kind=TicketEvent.Kind.SLA_RESUMED).count() == 1
    paused = business_time.business_seconds_between(calendar, sh(2025, 11, 3, 10), sh(2025, 11, 4, 10))
    assert paused == 8 * 3600
    assert business_time.business_seconds_between(calendar, due_before, ticket.resolution_due_at) == paused
    assert ticket.resolution_due_at == sh(2025, 11, 11, 15)


def test_on_hold_pauses_and_reopening_it_resumes(agent):
    ticket = ticket_on("advanced", now=MONDAY_9, priority=Priority.P1)
    set_status(ticket=ticket, status=Status.ON_HOLD, actor=agent, now=sh(2025, 11, 3, 10))
    ticket.refresh_from_db()
    assert ticket.resolution_due_at is None

    set_status(ticket=ticket, status=Status.OPEN, actor=agent, now=sh(2025, 11, 3, 14))

    ticket.refresh_from_db()
    # 540 min from Mon 09:00 = Tue 10:00; 3 paused business hours (Mon 10-12, 13-14) and the
    # lunch break move it to Tue 14:00.
    assert ticket.resolution_due_at == sh(2025, 11, 4, 14)


def test_resolve_stamps_resolution_business_time_without_paused_time(agent):
    ticket = ticket_on("advanced", now=MONDAY_9)
    record_agent_reply(
        ticket=ticket, author=agent, body="请确认", status=Status.PENDING_CUSTOMER, now=sh(2025, 11, 3, 10)
    )
    record_customer_reply(ticket=ticket, author=ticket.requester, body="好的", now=sh(2025, 11, 4, 10))
    set_status(ticket=ticket, status=Status.RESOLVED, actor=agent, now=sh(2025, 11, 4, 16))

    ticket.refresh_from_db()
    # Mon 09-10 (1 h) + Tue 10-12, 13-16 (5 h); Mon 10:00 to Tue 10:00 was paused.
    assert ticket.resolution_business_seconds == 6 * 3600
    assert ticket.resolved_at == sh(2025, 11, 4, 16)
    assert not ticket.resolution_breached
    assert ticket.sla_next_check_at is None


def test_reopen_resumes_resolution_and_owes_a_next_response_from_the_reopen(agent):
    ticket = ticket_on("advanced", now=MONDAY_9, priority=Priority.P1)  # resolution 540 min
    record_agent_reply(ticket=ticket, author=agent, body="已修复", now=sh(2025, 11, 3, 10))
    set_status(ticket=ticket, status=Status.RESOLVED, actor=agent, now=sh(2025, 11, 3, 11))
    reopen_ticket(ticket=ticket, actor=ticket.requester, reason="还是失败", now=sh(2025, 11, 4, 11))

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.reopen_count == 1
    assert ticket.resolved_at is None and ticket.resolution_business_seconds is None
    # 2 business hours used before resolving; 7 left from Tue 11:00 -> Wed 10:00.
    assert ticket.resolution_due_at == sh(2025, 11, 5, 10)
    assert ticket.next_response_started_at == sh(2025, 11, 4, 11)
    assert ticket.next_response_due_at == sh(2025, 11, 4, 16)  # P1 next response 240 min
    assert ticket.sla_next_check_at is not None
    assert ticket.events.filter(kind=TicketEvent.Kind.REOPENED).count() == 1

    set_status(ticket=ticket, status=Status.RESOLVED, actor=agent, now=sh(2025, 11, 4, 12))
    ticket.refresh_from_db()
    assert ticket.resolution_business_seconds == 3 * 3600  # Mon 09-11 and Tue 11-12


def test_customer_reply_to_a_resolved_ticket_reopens_it(agent):
    ticket = ticket_on("advanced", now=MONDAY_9)
    record_agent_reply(ticket=ticket, author=agent, body="已修复", now=sh(2025, 11, 3, 10))
    set_status(ticket=ticket, status=Status.RESOLVED, actor=agent, now=sh(2025, 11, 3, 11))
    record_customer_reply(ticket=ticket, author=ticket.requester, body="又报错了", now=sh(2025, 11, 4, 9))

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.reopen_count == 1
    assert ticket.next_response_started_at == sh(2025, 11, 4, 9)
    assert ticket.resolution_due_at is not None


def test_later_plan_edits_do_not_change_an_existing_tickets_snapshot(agent):
    ticket = ticket_on("advanced", now=MONDAY_9)
    SLATarget.objects.filter(plan=plan("advanced")).update(first_response_minutes=60, resolution_minutes=60)

    record_customer_reply(ticket=ticket, author=ticket.requester, body="补充信息", now=sh(2025, 11, 3, 10))

    ticket.refresh_from_db()
    assert ticket.sla_snapshot["first_response_minutes"] == 480
    assert ticket.first_response_due_at == sh(2025, 11, 3, 18)
    assert ticket.resolution_due_at == sh(2025, 11, 10, 15)
    newer = ticket_on("advanced", now=MONDAY_9)
    assert newer.first_response_due_at == sh(2025, 11, 3, 10)


def test_priority_change_applies_the_new_priority_targets(agent):
    ticket = ticket_on("advanced", now=MONDAY_9)
    set_priority(ticket=ticket, priority=Priority.P1, actor=agent, now=sh(2025, 11, 3, 9, 30))

    ticket.refresh_from_db()
    assert ticket.first_response_due_at == sh(2025, 11, 3, 14)
    assert ticket.sla_next_check_at == sh(2025, 11, 3, 12)  # warning at 75 % of 240 min


def test_a_breach_already_flagged_is_not_recorded_again_on_reply(agent):
    from helpdesk.services.sla_watch import run_sla_pass

    ticket = ticket_on("advanced", now=MONDAY_9)
    run_sla_pass(now=sh(2025, 11, 3, 18, 5))
    record_agent_reply(ticket=ticket, author=agent, body="抱歉", now=sh(2025, 11, 3, 18, 10))

    [breach] = ticket.events.filter(kind=TicketEvent.Kind.SLA_BREACHED)
    assert breach.created_at == sh(2025, 11, 3, 18, 5)
