"""The calendar and plan admin: HH:MM hours, week grid, year view, recompute on save, warnings."""

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from helpdesk.models import BusinessCalendar, BusinessHours, CalendarOverride, OverrideSource, TicketEvent
from helpdesk.sla.forms import BusinessHoursForm, IntervalsField, parse_minute
from helpdesk.sla.grids import trim_closed_rows, week_grid, year_sheets
from helpdesk.tests.factories import AgentFactory, plan
from helpdesk.tests.sla.helpers import sh, ticket_on

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:helpdesk_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(response) -> dict:
    """The POST a browser would send back for an unchanged admin change form."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else getattr(value, "pk", value)
    return data


@pytest.mark.parametrize(("text", "minute"), [("09:00", 540), ("9:30", 570), ("24:00", 1440), ("0", 0)])
def test_times_are_typed_as_hh_mm(text, minute):
    assert parse_minute(text) == minute


OUT_OF_DAY = re.escape("Enter a time between 00:00 and 24:00.")
NOT_A_TIME = re.escape("Enter a time as HH:MM, e.g. 09:00 or 24:00.")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25:00", OUT_OF_DAY),
        ("24:30", OUT_OF_DAY),
        ("9:75", OUT_OF_DAY),
        ("nine", NOT_A_TIME),
        ("", NOT_A_TIME),
    ],
)
def test_impossible_times_are_refused(text, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=message):
        parse_minute(text)


def test_hours_form_shows_and_accepts_hh_mm():
    hours = BusinessHours(calendar=plan().calendar, weekday=0, start_minute=540, end_minute=1440)
    assert 'value="09:00"' in str(BusinessHoursForm(instance=hours)["start_minute"])
    assert 'value="24:00"' in str(BusinessHoursForm(instance=hours)["end_minute"])

    form = BusinessHoursForm(data={"weekday": "2", "start_minute": "13:00", "end_minute": "24:00"})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["start_minute"], form.cleaned_data["end_minute"]) == (780, 1440)


def test_intervals_field_round_trips_text_and_pairs():
    field = IntervalsField()
    assert field.prepare_value([[540, 720], [780, 1080]]) == "09:00-12:00, 13:00-18:00"
    assert field.clean("09:00-12:00，13:00–18:00") == [[540, 720], [780, 1080]]
    assert field.clean("") == []


def test_week_grid_marks_open_partial_and_closed_slots():
    rows = trim_closed_rows(week_grid({0: [(540, 720), (780, 1050)]}))

    assert [r.label for r in rows][0] == "09:00" and rows[-1].label == "17:00"
    assert rows[0].cells[0] == "open" and rows[0].cells[5] == "closed"
    assert rows[3].cells[0] == "closed"  # 12:00 lunch
    assert rows[-1].cells[0] == "partial"  # 17:00-17:30


def test_year_sheets_mark_holidays_and_adjusted_working_days():
    weekly = dict.fromkeys(range(5), [(540, 1080)])
    overrides = {date(2026, 10, 1): (False, "国庆节"), date(2026, 10, 10): (True, "国庆节 调休上班")}

    sheets = year_sheets(2026, weekly, overrides)

    assert len(sheets) == 12
    october = sheets[9]
    assert [(d.day, d.kind) for d in october.marked] == [
        (date(2026, 10, 1), "holiday"),
        (date(2026, 10, 10), "adjusted"),
    ]
    days = {d.day: d.kind for week in october.weeks for d in week if d}
    assert days[date(2026, 10, 2)] == "workday" and days[date(2026, 10, 4)] == "closed"


def test_calendar_change_page_shows_the_week_grid(admin_client):
    calendar = plan("advanced").calendar

    response = admin_client.get(change_url(calendar))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="sla-week-grid"' in html
    assert html.count('class="sla-open"') == 5 * 8  # Mon-Fri, 8 full working hours each
    assert "css/admin_sla.css" in html
    assert 'value="09:00"' in html  # the hours inline shows HH:MM, not minute numbers
    assert "style=" not in html.split('class="sla-week"')[1].split("</section>")[0]


def test_year_view_lists_holidays_and_adjusted_working_days_by_name(admin_client):
    calendar = plan("advanced").calendar
    url = reverse("admin:helpdesk_businesscalendar_year", args=[calendar.pk, 2026])

    response = admin_client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="sla-month"') == 12
    assert "国庆节" in html and "调休上班" in html and "sla-day-adjusted" in html


def test_year_view_of_unknown_calendar_or_year_is_404_not_500(admin_client):
    calendar = plan("advanced").calendar
    assert (
        admin_client.get(reverse("admin:helpdesk_businesscalendar_year", args=[9999, 2026])).status_code
        == 404
    )
    assert (
        admin_client.get(
            reverse("admin:helpdesk_businesscalendar_year", args=[calendar.pk, 99999])
        ).status_code
        == 404
    )


def shorter_monday(admin_client, calendar) -> dict:
    """The calendar's change form as POST data, Monday's hours now ending at 17:00, not 18:00."""
    data = form_data(admin_client.get(change_url(calendar)))
    monday_afternoon = next(
        key for key, value in data.items() if key.endswith("-start_minute") and value == "13:00"
    )
    data[monday_afternoon.replace("start_minute", "end_minute")] = "17:00"
    prefix = monday_afternoon.rsplit("-", 1)[0]
    assert data[f"{prefix}-weekday"] == 0
    return data


def assert_saved(response) -> None:
    assert response.status_code == 302, [
        (e, fs.formset.non_form_errors())
        for fs in response.context["inline_admin_formsets"]
        for e in fs.formset.errors
        if e
    ]


def test_saving_a_calendar_recomputes_open_tickets_and_marks_edited_overrides_manual(
    admin_client, django_capture_on_commit_callbacks
):
    calendar = plan("advanced").calendar
    ticket = ticket_on("advanced", now=sh(2025, 11, 3, 9))
    data = shorter_monday(admin_client, calendar)
    national_day = CalendarOverride.objects.get(calendar=calendar, date=date(2025, 10, 1))
    key = next(k for k, v in data.items() if k.endswith("-id") and v == national_day.pk)
    data[key.replace("-id", "-name")] = "国庆节（公司）"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change_url(calendar), data)

    assert_saved(response)
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == sh(2025, 11, 4, 10)  # Mon 09-12, 13-17 = 7 h, Tue 09-10
    assert ticket.events.filter(kind=TicketEvent.Kind.SLA_RECOMPUTED).count() == 1
    national_day.refresh_from_db()
    assert (national_day.name, national_day.source) == ("国庆节（公司）", OverrideSource.MANUAL)
    assert "Due times of open tickets on this calendar are being recomputed in the background." in [
        str(m) for m in get_messages(response.wsgi_request)
    ]


def test_saving_a_calendar_leaves_the_recompute_to_a_task_queued_on_commit(
    admin_client, django_capture_on_commit_callbacks
):
    calendar = plan("advanced").calendar
    ticket = ticket_on("advanced", now=sh(2025, 11, 3, 9))
    due_before = ticket.first_response_due_at
    data = shorter_monday(admin_client, calendar)

    with django_capture_on_commit_callbacks() as callbacks:
        assert_saved(admin_client.post(change_url(calendar), data))

    ticket.refresh_from_db()
    assert ticket.first_response_due_at == due_before  # the request did not touch the ticket
    [enqueue_recompute] = callbacks
    enqueue_recompute()  # what the commit does: queue the task (run at once by the test backend)
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == sh(2025, 11, 4, 10)


def test_overlapping_hours_are_refused(admin_client):
    calendar = plan("advanced").calendar
    url = change_url(calendar)
    data = form_data(admin_client.get(url))
    key = next(k for k, v in data.items() if k.endswith("-start_minute") and v == "13:00")
    data[key] = "11:00"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "must not overlap" in response.content.decode()


@pytest.mark.time_machine(sh(2026, 12, 1, 12), tick=False)
def test_calendar_pages_warn_in_december_when_next_years_holidays_are_missing(admin_client):
    response = admin_client.get(reverse("admin:helpdesk_businesscalendar_changelist"))

    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(warnings) == 2 and all("2027" in w for w in warnings)


@pytest.mark.time_machine(sh(2026, 11, 30, 12), tick=False)
def test_no_holiday_warning_in_november(admin_client):
    response = admin_client.get(reverse("admin:helpdesk_businesscalendar_changelist"))

    assert response.status_code == 200
    assert list(get_messages(response.wsgi_request)) == []


CALENDAR_LIST_QUERIES = 9


@pytest.mark.time_machine(sh(2026, 11, 30, 12), tick=False)  # no holiday warnings on the page
@pytest.mark.parametrize("calendars", [1, 5])
def test_calendar_changelist_has_no_per_row_queries(admin_client, calendars, django_assert_num_queries):
    seeded = BusinessCalendar.objects.count()
    for index in range(calendars):  # each with its own week of hours for the "weekly hours" column
        calendar = BusinessCalendar.objects.create(name=f"客服日历 {index}", follows_cn_holidays=False)
        BusinessHours.objects.bulk_create(
            BusinessHours(calendar=calendar, weekday=day, start_minute=540, end_minute=1080 + index)
            for day in range(5)
        )
    url = reverse("admin:helpdesk_businesscalendar_changelist")
    admin_client.get(url)  # warm per-process caches

    with django_assert_num_queries(CALENDAR_LIST_QUERIES):
        response = admin_client.get(url)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == seeded + calendars
    assert f"18:{calendars - 1:02d}" in response.content.decode()


def test_plan_page_shows_targets_in_hours_and_snapshot_note(admin_client):
    response = admin_client.get(change_url(plan("advanced")))

    html = response.content.decode()
    assert response.status_code == 200
    assert "4 h · 4 h · 9 h" in html  # P1: 240, 240, 540 business minutes
    assert "keeps the targets it was created with" in html


def test_grids_import_nothing_from_django():
    code = (
        "import sys; import helpdesk.sla.grids; "
        "assert not any(m.startswith('django') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[3], check=True)


@pytest.mark.time_machine(sh(2026, 12, 5, 12), tick=False)
def test_admin_index_warns_calendar_managers_once_and_agents_never(client):
    """In December next year is checked too, and no calendar has 2027's holidays yet. Agents
    cannot change calendars: the warning is not theirs. A manager sees it once per session."""
    client.force_login(AgentFactory())
    assert [str(m) for m in client.get("/admin/").context["messages"]] == []

    client.force_login(manager())
    warnings = [str(m) for m in client.get("/admin/").context["messages"]]
    assert warnings and all("2027" in w and "/holidays/" in w for w in warnings)
    assert [str(m) for m in client.get("/admin/").context["messages"]] == []


@pytest.mark.time_machine(sh(2026, 12, 5, 12), tick=False)
def test_calendar_pages_do_not_warn_agents_who_cannot_fix_it(client):
    client.force_login(AgentFactory())
    response = client.get(reverse("admin:helpdesk_businesscalendar_changelist"))
    assert response.status_code == 200 and list(get_messages(response.wsgi_request)) == []


def manager():
    from django.contrib.auth.models import Group

    from helpdesk.roles import MANAGERS

    user = AgentFactory()
    user.groups.set([Group.objects.get(name=MANAGERS)])
    return user
