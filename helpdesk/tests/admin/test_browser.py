"""The agent workspace in a real browser: log in, work the queue, reply with a macro."""

import pytest

from helpdesk.models import TicketMessage
from helpdesk.services.conversation import add_internal_note, record_customer_reply
from helpdesk.services.tickets import assign_ticket
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import PASSWORD, AgentFactory, CannedResponseFactory, CustomerFactory, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workspace(organization, customer):
    agent = AgentFactory(email="wang.min@vendor.example", full_name="王敏")
    ticket = submit(requester=customer, priority="p2")
    record_customer_reply(
        ticket=ticket, author=customer, body="补充：今天上午 9 点开始出现，所有收款单都失败。"
    )
    add_internal_note(ticket=ticket, author=agent, body="疑似科目 1122 在金蝶里被禁用，先确认客户的科目表。")
    assign_ticket(ticket=ticket, assignee=agent, actor=agent)
    other = CustomerFactory(full_name="陈静")
    for subject, priority in [
        ("用友 U8 凭证号重复", "p1"),
        ("插件升级到 3.2.1 后无法登录", "p3"),
        ("如何设置默认收款科目", "p4"),
    ]:
        submit(requester=other, subject=subject, priority=priority)
    waiting = submit(requester=customer, subject="对账报表导出为空", priority="p3")
    assign_ticket(ticket=waiting, assignee=agent, actor=agent)
    set_status(ticket=waiting, status="pending_customer", actor=agent)
    CannedResponseFactory(
        title="请提供插件日志", body="您好，请在插件目录下找到 logs/voucher.log 并作为附件发送给我们。"
    )
    return agent, ticket


def test_agent_logs_in_inserts_a_canned_response_and_replies(page, live_server, workspace, screenshot_dir):
    agent, ticket = workspace
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", agent.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector(".kx-panels")
    page.screenshot(path=screenshot_dir / "admin-index-desktop.png", full_page=True)

    page.goto(f"{live_server.url}/admin/helpdesk/ticket/")
    page.wait_for_selector("#result_list")
    page.screenshot(path=screenshot_dir / "admin-ticket-changelist-desktop.png", full_page=True)

    page.click(f"text={ticket.reference}")
    page.wait_for_selector(".kx-reply-form")
    assert page.locator(".kx-msg-internal_note").count() == 1
    assert page.locator("button[name=_insert_canned]").is_hidden()  # JS inserts on select
    page.fill("textarea[name=body]", "王女士您好，")
    page.select_option("select[name=canned]", label="请提供插件日志")
    body = page.input_value("textarea[name=body]")
    assert body.startswith("王女士您好，") and "logs/voucher.log" in body
    page.screenshot(path=screenshot_dir / "admin-ticket-page-desktop.png", full_page=True)

    page.click("button[name=_reply]")
    page.wait_for_selector(".kx-msg-public_reply")
    assert "logs/voucher.log" in page.locator(".kx-msg-public_reply").inner_text()
    assert TicketMessage.objects.filter(ticket=ticket, kind=TicketMessage.Kind.PUBLIC_REPLY).count() == 1

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    page.screenshot(path=screenshot_dir / "admin-ticket-page-mobile.png", full_page=True)
    page.goto(f"{live_server.url}/admin/helpdesk/ticket/")
    page.screenshot(path=screenshot_dir / "admin-ticket-changelist-mobile.png", full_page=True)
    page.goto(f"{live_server.url}/admin/")
    page.screenshot(path=screenshot_dir / "admin-index-mobile.png", full_page=True)
