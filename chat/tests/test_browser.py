"""End to end in Chromium, two browser contexts (a customer and an agent) against daphne
serving the whole ASGI app (HTTP and websockets) on a demo database of its own."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.tests.subprocesses import free_port, migrated_database, start_daphne, stop
from helpdesk.tests.files import PNG

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "kuaixiang-demo"


@pytest.fixture(scope="module")
def chat_server(tmp_path_factory):
    var = tmp_path_factory.mktemp("chat-var")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "KUAIXIANG_VAR_DIR": str(var),
        "STATIC_ROOT": str(var / "static"),
        "CHAT_PORT": "",
        "CHAT_WEBSOCKET_URL": "",
        # The demo's people, teams and chats; its video tutorials (recorded through a browser,
        # half a minute) have nothing to do with the chat.
        "KB_DEMO_VIDEOS": "false",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    manage = [sys.executable, "manage.py"]
    migrated_database(var / "kuaixiang.sqlite3")
    for command in (["seed_demo", "--history", "60"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    try:
        daphne = start_daphne(port, env=env, log=var / "daphne.log")
    except RuntimeError as exc:
        pytest.fail(f"daphne did not start: {exc}")
    base = f"http://127.0.0.1:{port}"
    yield base, var
    stop(daphne, grace=10)


def _customer(browser, base, language):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.goto(base + "/account/login/")
    page.fill("#id_username", "customer2@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def _agent(browser, base, language):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "agent@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(base + "/admin/chat/")
    return page


def _shoot(page, path: Path, *, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(200)
    page.screenshot(path=str(path), full_page=False)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_customer_and_agent_chat_live_and_the_ticket_keeps_the_transcript(
    chat_server, browser, screenshot_dir, tmp_path, language
):
    base, _var = chat_server
    agent = _agent(browser, base, language)
    agent.wait_for_selector(".kx-agent-waiting tbody tr")  # connected: the queue has arrived
    agent.select_option("#kx-status", "available")
    agent.click(".kx-agent-availability button[type=submit]")

    customer = _customer(browser, base, language)
    customer.click(".kx-chat-toggle")
    customer.wait_for_selector(".kx-chat-start", state="visible")
    customer.wait_for_selector("#kx-chat-category option", state="attached")
    option = customer.locator("#kx-chat-category option", has_text="凭证生成失败").first.get_attribute(
        "value"
    )
    customer.select_option("#kx-chat-category", option)
    customer.fill("#kx-chat-first", "凭证 过账 失败")
    suggestion = customer.wait_for_selector(".kx-chat-suggestions li a")
    assert suggestion.text_content().strip()
    _shoot(
        customer, screenshot_dir / f"chat-{language}-customer-suggestions-desktop.png", width=1280, height=800
    )
    customer.click(".kx-chat-start button[type=submit]")

    # The agent's queue shows the waiting chat without a reload, with its organization and plan.
    row = agent.wait_for_selector(".kx-agent-waiting tr[data-session]")
    assert "深圳前海物流" in row.text_content()
    _shoot(agent, screenshot_dir / f"chat-{language}-agent-queue-desktop.png", width=1280, height=900)
    row.query_selector("button").click()
    agent.wait_for_selector(".kx-agent-chat-box")

    # The customer writes with a file attached (uploaded over HTTP, referenced by the message).
    picture = tmp_path / "screen.png"
    picture.write_bytes(PNG)
    customer.wait_for_selector(".kx-chat-compose", state="visible")
    customer.set_input_files(".kx-chat-compose input[type=file]", str(picture))
    customer.fill("#kx-chat-text", "截图见附件，错误 E1024")
    customer.click(".kx-chat-compose button[type=submit]")

    agent.wait_for_selector(".kx-agent-chat-box .kx-chat-log li:has-text('E1024')")
    assert agent.is_visible(".kx-agent-chat-box .kx-chat-log a:has-text('screen.png')")
    agent.fill(".kx-agent-compose textarea", "您好，请把插件升级到 3.2.1 再试")
    agent.click(".kx-agent-compose button[type=submit]")

    customer.wait_for_selector(".kx-chat-log li:has-text('3.2.1')")
    # The agent read the customer's message: the customer sees "seen" under it.
    customer.wait_for_selector(".kx-chat-customer .kx-chat-seen")
    _shoot(customer, screenshot_dir / f"chat-{language}-customer-live-desktop.png", width=1280, height=800)
    _shoot(customer, screenshot_dir / f"chat-{language}-customer-live-375.png", width=375, height=740)
    _shoot(agent, screenshot_dir / f"chat-{language}-agent-chat-desktop.png", width=1280, height=900)
    _shoot(agent, screenshot_dir / f"chat-{language}-agent-chat-375.png", width=375, height=900)
    agent.set_viewport_size({"width": 1280, "height": 900})

    ticket_url = agent.get_attribute(".kx-agent-ticket", "href")
    agent.click(".kx-agent-end[data-resolve='1']")
    customer.wait_for_selector(".kx-chat-after", state="visible")
    _shoot(customer, screenshot_dir / f"chat-{language}-customer-ended-375.png", width=375, height=740)
    customer.click(".kx-chat-stars [data-score='5']")
    customer.click(".kx-chat-transcript")
    customer.wait_for_selector(".kx-chat-note:not(:empty)")

    # The ticket holds the conversation and its first-response time.
    agent.goto(base + ticket_url)
    page_text = agent.text_content("#content")
    assert "截图见附件，错误 E1024" in page_text
    assert "请把插件升级到 3.2.1 再试" in page_text
    assert "screen.png" in page_text
    first_response = agent.text_content("dl")
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", first_response)
    _shoot(agent, screenshot_dir / f"chat-{language}-ticket-desktop.png", width=1280, height=900)
    agent.context.close()
    customer.context.close()
