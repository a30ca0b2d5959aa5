"""axe-core in Chromium over the pages customers use, on a 375 px phone screen: no serious or
critical WCAG 2 A/AA issue and no sideways scrolling.

axe-core is pinned in package.json and installed by scripts/browser-deps.sh (`make test`).
"""

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
)
from helpdesk.sla.defaults import install_defaults
from helpdesk.tests.factories import PASSWORD, CategoryFactory, CustomerFactory, OrganizationFactory, submit
from knowledgebase.models import Kind
from knowledgebase.tests.factories import article

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # The site's CSP forbids inline scripts, which is how axe gets into the page.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def world(transactional_db):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `bash scripts/browser-deps.sh` (npm install)")
    # A flush by an earlier transactional test may have removed the seeded plans.
    install_defaults(
        Calendar=BusinessCalendar,
        Hours=BusinessHours,
        Override=CalendarOverride,
        Plan=SLAPlan,
        Target=SLATarget,
    )
    PluginVersion.objects.get_or_create(version="3.2.1", defaults={"released_on": date(2025, 9, 1)})
    customer = CustomerFactory(organization=OrganizationFactory(), email="a11y@example.com")
    category = CategoryFactory(name="凭证同步", complexity=Complexity.STANDARD)
    ticket = submit(requester=customer, category=category)
    faq = article(title="生成凭证和过账有什么区别？", kind=Kind.FAQ, body_md="生成凭证只是把收款单变成凭证。")
    return customer, ticket, faq


def violations(page) -> list[str]:
    """Serious or critical axe findings, plus sideways scrolling (the page is 375 px wide)."""
    width, viewport = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    scrolls = [f"page scrolls sideways: {width} px content in {viewport} px"] if width > viewport else []
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
        }"""
    )
    return scrolls + found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_customer_pages_are_accessible_and_fit_a_phone(page, live_server, world, language):
    customer, ticket, faq = world
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 740})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    checked = {}
    for path in [
        "/",
        "/account/login/",
        "/account/register/",
        "/kb/",
        "/kb/faq/",
        "/search/?q=凭证",
        faq.get_absolute_url(),
        "/plans/",
    ]:
        page.goto(base + path)
        checked[path] = violations(page)
    page.goto(f"{base}/account/login/")
    page.fill("#id_username", customer.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    for path in ["/", "/submit/", "/tickets/", ticket.get_absolute_url(), "/account/profile/"]:
        page.goto(base + path)
        checked[f"signed in {path}"] = violations(page)
    page.goto(f"{base}/submit/")
    page.select_option("#id_category", label="凭证同步")
    page.fill("#id_subject", "收款单生成凭证失败")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if "suggestions" in page.url:
        checked["suggestions"] = violations(page)
        page.goto(f"{base}/submit/details/")
    checked["details form"] = violations(page)
    page.click("form[data-once] button[type=submit]")  # an empty submit: errors shown next to fields
    page.wait_for_load_state()
    checked["details form with errors"] = violations(page)
    assert {where: found for where, found in checked.items() if found} == {}
