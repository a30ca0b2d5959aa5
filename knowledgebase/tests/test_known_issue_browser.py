"""In the browser: an agent links two customers' tickets to a known issue and marks it fixed;
each customer sees the reply on the ticket and the fix on their home page."""

from datetime import date

import pytest

from helpdesk.models import PluginVersion, Status, TicketMessage
from helpdesk.tests.factories import PASSWORD, AgentFactory, CustomerFactory, OrganizationFactory, submit
from knowledgebase.models import IssueStatus, Kind

from .factories import article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server):
    versions = {
        v: PluginVersion.objects.create(version=v, released_on=date(2025, 1, 1))
        for v in ("3.2.0", "3.2.1", "3.2.2")
    }
    issue = article(
        kind=Kind.KNOWN_ISSUE,
        title="金蝶云星空 8.2 中凭证附件数为 0",
        body_md="生成的收款凭证附件数总是 0。",
        workaround_md="在凭证规则中手动设置附件数为收款单附件数。",
        issue_status=IssueStatus.WORKAROUND,
        plugin_versions=[versions["3.2.0"], versions["3.2.1"]],
    )
    article(kind=Kind.RELEASE_NOTE, title="插件 3.2.2 更新说明", release_version=versions["3.2.2"])
    zhao = CustomerFactory(
        organization=OrganizationFactory(name="华东纺织"),
        email="zhao@a.example",
        organization__language="zh-hans",
    )
    anna = CustomerFactory(
        organization=OrganizationFactory(name="Nordic GmbH", timezone="Europe/Berlin"),
        email="anna@b.example",
        organization__language="en",
    )
    tickets = [
        submit(requester=person, subject=subject, details={"plugin_version": "3.2.1"})
        for person, subject in ((zhao, "凭证附件数为 0"), (anna, "Voucher attachment count is 0"))
    ]
    return {"agent": AgentFactory(), "issue": issue, "zhao": zhao, "anna": anna, "tickets": tickets}


def _sign_in_admin(page, base, user):
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector(".kx-panels")


def _sign_in_portal(page, base, user):
    page.goto(f"{base}/account/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_agent_links_and_fixes_and_customers_see_it(browser, live_server, world, screenshot_dir, language):
    base = live_server.url
    issue, tickets = world["issue"], world["tickets"]

    agent_context = browser.new_context(viewport={"width": 1366, "height": 900})
    agent_context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = agent_context.new_page()
    _sign_in_admin(page, base, world["agent"])
    # The first ticket: from its page, accepting the suggestion (same version, matching text).
    page.goto(f"{base}/admin/helpdesk/ticket/{tickets[0].pk}/change/")
    box = page.locator("#known-issues")
    assert issue.title in box.inner_text()
    box.locator("input[name=suggested] ~ button").first.click()
    page.wait_for_selector("#known-issues form[action*='unlink']")
    page.screenshot(path=screenshot_dir / f"known-issue-ticket-page-{language}.png", full_page=True)
    # The second: the queue's bulk action.
    page.goto(f"{base}/admin/helpdesk/ticket/")
    page.check(f"input[name=_selected_action][value='{tickets[1].pk}']")
    page.select_option("select[name=action]", "link_to_known_issue")
    page.click("button[name=index]")
    page.select_option("select[name=issue]", str(issue.pk))
    page.click("input[name=apply], button[name=apply]")
    page.wait_for_selector(".messagelist")
    # Mark fixed in 3.2.2: the reply is filled in for the version, then sent.
    page.goto(f"{base}/admin/knowledgebase/article/{issue.pk}/change/")
    page.screenshot(path=screenshot_dir / f"known-issue-admin-{language}.png", full_page=True)
    assert "华东纺织" in page.inner_text("#known-issue-links") and "Nordic GmbH" in page.inner_text(
        "#known-issue-links"
    )
    page.goto(f"{base}/admin/knowledgebase/known-issues/{issue.pk}/fix/")
    page.select_option("#id_version", label="3.2.2")
    with page.expect_navigation():
        page.click("button[name=refill]")
    assert "3.2.2" in page.input_value("#id_reply_en") and "3.2.2" in page.input_value("#id_reply_zh_hans")
    page.screenshot(path=screenshot_dir / f"known-issue-mark-fixed-{language}.png", full_page=True)
    page.click("input[name=send]")
    page.wait_for_selector(".messagelist")
    agent_context.close()

    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.status == Status.PENDING_CUSTOMER
        assert ticket.messages.filter(kind=TicketMessage.Kind.PUBLIC_REPLY).count() == 1

    for person, ticket in ((world["zhao"], tickets[0]), (world["anna"], tickets[1])):
        for width in (1366, 375):
            context = browser.new_context(viewport={"width": width, "height": 900})
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            customer_page = context.new_page()
            _sign_in_portal(customer_page, base, person)
            customer_page.goto(f"{base}{ticket.get_absolute_url()}")
            notice = customer_page.locator(".known-issue-notice")
            assert issue.title in notice.inner_text() and "3.2.2" in notice.inner_text()
            assert "3.2.2" in customer_page.locator(".message-item.kind-public_reply").inner_text()
            customer_page.screenshot(
                path=screenshot_dir
                / f"known-issue-customer-ticket-{person.email.split('@')[0]}-{language}-{width}.png",
                full_page=True,
            )
            customer_page.goto(f"{base}/")
            card = customer_page.locator("#your-version")
            assert (
                "3.2.1" in card.inner_text()
                and issue.title in card.inner_text()
                and "3.2.2" in card.inner_text()
            )
            customer_page.screenshot(
                path=screenshot_dir
                / f"known-issue-customer-home-{person.email.split('@')[0]}-{language}-{width}.png",
                full_page=True,
            )
            context.close()
