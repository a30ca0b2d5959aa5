"""End to end in Chromium: submit a ticket through the wizard while the quality meter reacts."""

from datetime import date
from pathlib import Path

import pytest

from helpdesk.models import (
    BusinessCalendar,
    BusinessHours,
    CalendarOverride,
    Complexity,
    PluginVersion,
    SLAPlan,
    SLATarget,
    Ticket,
)
from helpdesk.sla.defaults import install_defaults
from helpdesk.tests.factories import (
    PASSWORD,
    CategoryFactory,
    CustomerFactory,
    OrganizationFactory,
    TeamFactory,
)
from helpdesk.tests.files import PNG

from .helpers import local_input

# serialized_rollback: the live server needs real commits; the seeded SLA plans come back
# after the flush so later tests still find them.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def shopper(transactional_db):
    # A flush by an earlier transactional test may have removed the seeded plans (the
    # serialized rollback does not always bring them back): seed them again, idempotently.
    install_defaults(
        Calendar=BusinessCalendar,
        Hours=BusinessHours,
        Override=CalendarOverride,
        Plan=SLAPlan,
        Target=SLATarget,
    )
    organization = OrganizationFactory(name="华新财务", email_domains="huaxin.example")
    category = CategoryFactory(name="凭证同步", complexity=Complexity.STANDARD)
    TeamFactory(name="金蝶组").categories.add(category)
    PluginVersion.objects.create(version="3.2.1", released_on=date(2025, 9, 1))
    user = CustomerFactory(organization=organization, email="li.na@huaxin.example", full_name="李娜")
    return user, category


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/account/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Sign in'), main button[type=submit]")
    page.wait_for_url(f"{base}/")


def meter_value(page) -> float:
    return float(page.eval_on_selector("#quality-meter", "m => m.value"))


def wait_for_findings(page, *, containing: str = "", score_above: float = -1) -> None:
    """Wait until the meter has been refreshed from the server and shows what we expect."""
    page.wait_for_function(
        """([text, above]) => {
            const panel = document.getElementById('quality');
            return panel.dataset.updated !== undefined
                && document.getElementById('quality-findings').innerText.includes(text)
                && document.getElementById('quality-meter').value > above;
        }""",
        arg=[containing, score_above],
        timeout=8000,
    )


def test_a_customer_submits_a_ticket_end_to_end_and_the_meter_follows(
    page, live_server, shopper, screenshot_dir: Path, tmp_path
):
    user, category = shopper
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    sign_in(page, base, user.email)
    page.screenshot(path=str(screenshot_dir / "portal-home-1280.png"), full_page=True)

    page.goto(f"{base}/submit/")
    page.select_option("#id_category", str(category.pk))
    page.fill("#id_subject", "金蝶收款单生成凭证失败：科目不存在")
    page.click("main button[type=submit]")
    # No article yet: the suggestions step says so and offers the search page, not a skip.
    page.wait_for_url(f"{base}/submit/suggestions/")
    assert page.locator(".suggestions-empty").is_visible()
    assert page.locator("a[href^='/search/?q=']").count() == 1
    page.screenshot(path=str(screenshot_dir / "portal-suggestions-empty-1280.png"), full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/submit/details/")

    wait_for_findings(page)
    start = meter_value(page)
    page.fill("#id_symptoms", "不能用")
    wait_for_findings(page, containing="不能用")
    assert page.locator("[data-live-for=symptoms]").inner_text()
    page.fill(
        "#id_symptoms",
        "在金蝶云星空中点击“生成凭证”后，收款单没有生成凭证，界面弹出红色错误提示框，当天所有收款单都无法过账。",
    )
    page.fill("#id_occurred_at", local_input(hours_ago=2))
    page.fill("#id_error_message", "ERR-4012: 科目 1122 不存在或已禁用")
    page.fill("#id_steps_to_reproduce", "1. 打开收款单列表\n2. 选择 11 月 3 日的收款单\n3. 点击生成凭证")
    wait_for_findings(page, score_above=start)
    middle = meter_value(page)
    page.screenshot(path=str(screenshot_dir / "portal-submit-half-1280.png"), full_page=True)

    page.fill("#id_expected_result", "凭证生成并自动过账")
    page.fill("#id_actual_result", "弹出错误，凭证没有生成")
    page.select_option("#id_erp_system", "kingdee")
    page.fill("#id_erp_version", "K/3 Cloud 8.1")
    page.select_option("#id_plugin_version", "3.2.1")
    page.fill("#id_affected_users", "5")
    page.check("#id_posting_blocked")
    screenshot_file = tmp_path / "错误截图.png"
    screenshot_file.write_bytes(PNG)
    page.set_input_files("#id_attachments", str(screenshot_file))
    wait_for_findings(page, score_above=max(middle, 79))
    assert "Not enough" not in page.locator("#quality-text").inner_text()
    page.screenshot(path=str(screenshot_dir / "portal-submit-complete-1280.png"), full_page=True)

    page.click("#details-form button[type=submit]")
    page.wait_for_url(f"{base}/submit/done/**")
    ticket = Ticket.objects.get(requester=user)
    assert ticket.reference in page.locator("main").inner_text()
    assert ticket.attachments.get().original_name == "错误截图.png"
    page.screenshot(path=str(screenshot_dir / "portal-confirmation-1280.png"), full_page=True)

    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(screenshot_dir / "portal-confirmation-375.png"), full_page=True)
    page.goto(f"{base}{ticket.get_absolute_url()}")
    page.screenshot(path=str(screenshot_dir / "portal-ticket-375.png"), full_page=True)
    page.goto(f"{base}/submit/details/")
    page.screenshot(path=str(screenshot_dir / "portal-submit-375.png"), full_page=True)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, "the form must not scroll sideways on a phone"
    page.goto(f"{base}/")
    page.screenshot(path=str(screenshot_dir / "portal-home-375.png"), full_page=True)
    page.goto(f"{base}/plans/")
    page.screenshot(path=str(screenshot_dir / "portal-plans-375.png"), full_page=True)


def test_the_form_refuses_vague_text_without_javascript_and_keeps_the_file(
    browser, live_server, shopper, screenshot_dir: Path, tmp_path
):
    user, category = shopper
    base = live_server.url
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    page = context.new_page()
    sign_in(page, base, user.email)
    page.goto(f"{base}/submit/details/")
    page.select_option("#id_category", str(category.pk))
    page.fill("#id_subject", "报错了")
    page.fill("#id_symptoms", "没反应")
    log = tmp_path / "sync.log"
    log.write_text("2025-11-03 ERROR 4012\n")
    page.set_input_files("#id_attachments", str(log))
    with page.expect_navigation():
        page.click("#details-form button[type=submit]")
    page.screenshot(path=str(screenshot_dir / "portal-submit-errors-zh-1280.png"), full_page=True)
    assert page.locator("#id_symptoms_error").is_visible()
    assert "sync.log" in page.locator("#kept-files").inner_text()
    assert page.input_value("#id_symptoms") == "没反应"
    page.screenshot(path=str(screenshot_dir / "portal-submit-errors-zh-1280.png"), full_page=True)
    assert not Ticket.objects.exists()
    context.close()
