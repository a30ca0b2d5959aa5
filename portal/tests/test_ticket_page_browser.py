"""The customer's ticket page in Chromium, both languages, desktop and phone: priority, handler
and followers are on it, a colleague can be added, and axe finds nothing serious."""

import pytest
from django.utils import translation

from config.tests.test_accessibility import AXE, violations
from helpdesk.models import BusinessCalendar, BusinessHours, CalendarOverride, SLAPlan, SLATarget
from helpdesk.services.conversation import record_agent_reply
from helpdesk.services.tickets import assign_ticket
from helpdesk.sla.defaults import install_defaults
from helpdesk.tests.factories import (
    PASSWORD,
    AgentFactory,
    CustomerFactory,
    OrganizationFactory,
    TeamFactory,
    submit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}  # axe arrives as an inline script


@pytest.fixture
def world(transactional_db):
    assert AXE.exists(), "axe-core is missing: run `bash scripts/browser-deps.sh`"
    install_defaults(Calendar=BusinessCalendar, Hours=BusinessHours, Override=CalendarOverride, Plan=SLAPlan,
                     Target=SLATarget)  # fmt: skip
    org = OrganizationFactory(name="华东纺织")
    customer = CustomerFactory(organization=org, email="zhao@huadong.example", full_name="赵会计")
    CustomerFactory(organization=org, email="liu@huadong.example", full_name="刘财务")
    agent = AgentFactory(full_name="李客服 Li (Agent)")
    team = TeamFactory(name="金蝶对接组")
    ticket = submit(requester=customer)
    ticket.team = team
    ticket.save(update_fields=["team"])
    assign_ticket(ticket=ticket, assignee=agent, actor=agent)
    record_agent_reply(ticket=ticket, author=agent, body="您好，请提供出错当天的日志。")
    return customer, ticket


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [1366, 375])
def test_the_ticket_page_shows_priority_handler_and_followers(
    page, live_server, world, screenshot_dir, language, width
):
    customer, ticket = world
    base = live_server.url
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/account/login/")
    page.fill("#id_username", customer.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(base + ticket.get_absolute_url())

    handling = page.locator("#handling")
    assert handling.locator(".handler").inner_text() == "李客服"
    assert "(Agent)" not in page.content()
    with translation.override(language):
        priority = str(ticket.get_priority_display())
    assert handling.locator(f".priority-{ticket.priority}").inner_text() == priority
    page.select_option("#followers select", label="刘财务 <liu@huadong.example>")
    page.click("#followers button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".follower-list li").first.inner_text().startswith("刘财务")
    page.screenshot(path=str(screenshot_dir / f"ticket-page-{language}-{width}.png"), full_page=True)
    assert violations(page) == []
