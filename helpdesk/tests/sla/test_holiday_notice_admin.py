"""A calendar manager pastes the State Council's notice, previews the year, applies it."""

from datetime import date
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk.models import BusinessCalendar, CalendarOverride, OverrideSource
from helpdesk.tests.factories import AgentFactory
from helpdesk.tests.sla.helpers import sh
from helpdesk.tests.sla.test_admin_sla import manager
from helpdesk.tests.sla.test_cn_notice import ICS

pytestmark = pytest.mark.django_db
NOTICE_2025 = (Path(__file__).parent / "notices" / "2025.txt").read_text(encoding="utf-8")


@pytest.fixture
def office():
    calendar = BusinessCalendar.objects.filter(follows_cn_holidays=True).order_by("pk").first()
    calendar.overrides.filter(date__year=2025).delete()
    return calendar


def url(calendar):
    return reverse("admin:helpdesk_businesscalendar_holidays", args=[calendar.pk])


def test_the_preview_shows_the_year_and_saves_nothing(client, office):
    client.force_login(manager())
    response = client.post(url(office), {"step": "preview", "notice": NOTICE_2025, "also_others": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and "Preview: nothing is saved yet" in html
    assert 'class="sla-day-holiday" title="春节">28<' in html  # 2025-01-28, a Tuesday
    assert 'class="sla-day-adjusted" title="春节 调休上班">26<' in html  # Sunday 2025-01-26 worked
    assert not office.overrides.filter(date__year=2025).exists()


def test_applying_writes_notice_rows_for_every_following_calendar_and_keeps_manual_ones(client, office):
    CalendarOverride.objects.create(calendar=office, date=date(2025, 10, 8), name="公司自定", is_working=True,
                                    intervals=[[540, 720]], source=OverrideSource.MANUAL)  # fmt: skip
    client.force_login(manager())
    preview = client.post(url(office), {"step": "preview", "notice": NOTICE_2025, "also_others": "on"})
    token = preview.context["preview"]["token"]
    response = client.post(url(office), {"step": "apply", "schedule": token, "also_others": "on"})
    assert response.status_code == 302 and response.url.endswith("/year/2025/")
    rows = {o.date: o for o in office.overrides.filter(date__year=2025)}
    assert (
        rows[date(2025, 1, 28)].is_working is False
        and rows[date(2025, 1, 28)].source == OverrideSource.NOTICE
    )
    assert rows[date(2025, 2, 8)].is_working is True and rows[date(2025, 2, 8)].intervals
    assert rows[date(2025, 10, 8)].source == OverrideSource.MANUAL  # kept as entered
    following = BusinessCalendar.objects.filter(follows_cn_holidays=True).exclude(pk=office.pk)
    for other in following:
        assert other.overrides.filter(date=date(2025, 1, 28)).exists()
    again = client.post(url(office), {"step": "apply", "schedule": token, "also_others": "on"})
    assert "0 dates added, 0 changed, 0 removed" in " ".join(str(m) for m in get_messages(again.wsgi_request))


def test_an_ics_upload_previews_too(client, office):
    client.force_login(manager())
    upload = SimpleUploadedFile("cn-2025.ics", ICS.encode(), content_type="text/calendar")
    response = client.post(url(office), {"step": "preview", "ics": upload})
    assert response.status_code == 200 and response.context["preview"]["days_off"] == 9


def test_a_garbled_paste_says_which_line_and_keeps_the_text(client, office):
    client.force_login(manager())
    text = "国务院办公厅关于2025年部分节假日安排的通知\n二、春节：1月28日至2月4日放假调休，共7天。"
    response = client.post(url(office), {"step": "preview", "notice": text})
    html = response.content.decode()
    assert response.status_code == 200 and "(line 2)" in html and "共7天" in html


def test_a_tampered_preview_is_refused(client, office):
    client.force_login(manager())
    response = client.post(url(office), {"step": "apply", "schedule": "forged"})
    assert response.status_code == 302 and not office.overrides.filter(source=OverrideSource.NOTICE).exists()


def test_agents_cannot_open_the_page(client, office):
    client.force_login(AgentFactory())
    assert client.get(url(office)).status_code in (403, 404)


@pytest.mark.time_machine(sh(2026, 12, 1, 12), tick=False)
def test_the_missing_holidays_warning_links_managers_to_the_fix(client, office):
    client.force_login(manager())
    response = client.get(reverse("admin:helpdesk_businesscalendar_change", args=[office.pk]))
    [warning] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "2027" in warning and url(office) in warning
