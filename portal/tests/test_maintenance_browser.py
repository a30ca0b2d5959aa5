"""In Chromium: a customer hides the notice of an upcoming maintenance window, and it stays
hidden until the window is rescheduled; a window under way cannot be hidden."""

from datetime import timedelta

import pytest

from core import clock
from helpdesk.models import MaintenanceWindow
from helpdesk.services.maintenance import save_window
from helpdesk.tests.factories import CustomerFactory

from .test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _window(starts_in: timedelta, title: str) -> MaintenanceWindow:
    start = clock.now() + starts_in
    return save_window(
        window=MaintenanceWindow(
            title_zh_hans=title,
            title_en=title,
            services_zh_hans="在线提交工单",
            services_en="online requests",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        ),
        actor=None,
    )


def test_an_upcoming_notice_is_hidden_until_rescheduled_and_one_under_way_stays(
    page, live_server, screenshot_dir
):
    customer = CustomerFactory(organization__language="en", email="anna@de.example")
    upcoming = _window(timedelta(days=1), "Database upgrade")
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server.url, customer.email)

    banner = page.locator(".maintenance-banner")
    hide = banner.get_by_role("button", name="Hide this notice")
    assert "Database upgrade" in banner.inner_text()
    hide.wait_for()  # shown by site.js
    page.screenshot(path=screenshot_dir / "maintenance-notice-375.png")
    hide.click()
    assert banner.is_hidden()
    page.goto(f"{live_server.url}/kb/")
    assert page.locator(".maintenance-banner").is_hidden()  # remembered on the next page

    upcoming.starts_at += timedelta(hours=3)
    upcoming.ends_at += timedelta(hours=3)
    save_window(window=upcoming, actor=None)
    _window(timedelta(minutes=-30), "Mail server move")
    page.goto(f"{live_server.url}/kb/")
    banner = page.locator(".maintenance-banner")
    assert banner.is_visible()
    assert "Database upgrade" in banner.inner_text()  # another time: shown again
    under_way = banner.locator("li.is-current")
    assert "Mail server move" in under_way.inner_text()
    assert under_way.get_by_role("button").count() == 0
