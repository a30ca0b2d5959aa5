"""A manager sets up a DingTalk group bot in a real browser and sends it a test message."""

import pytest
from django.contrib.auth.models import Group

from helpdesk.models import OutboundRequest
from helpdesk.roles import MANAGERS
from helpdesk.tests.factories import PASSWORD, AgentFactory, TeamFactory
from helpdesk.tests.receiver import Receiver, free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver():
    server = Receiver(port=free_port()).start()
    yield server
    server.stop()


def test_manager_adds_a_dingtalk_channel_and_the_test_message_arrives(
    page, live_server, receiver, screenshot_dir
):
    manager = AgentFactory(email="zhao@vendor.example", full_name="赵经理")
    manager.groups.add(Group.objects.get(name=MANAGERS))
    team = TeamFactory(name="用友支持组")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", manager.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")

    page.goto(f"{live_server.url}/admin/helpdesk/teamalertchannel/add/")
    page.select_option("#id_team", str(team.pk))
    page.fill("#id_name", "用友值班群")
    page.select_option("#id_platform", "dingtalk")
    page.fill("#id_url", receiver.url("/robot/send?access_token=t0k"))
    page.fill("#id_new_secret", "SECbrowser")
    page.check("input[name=events][value=sla_breach]")
    page.check("input[name=events][value=escalation]")
    page.click("input[name=_continue]")
    page.wait_for_selector("button.kx-object-tool")
    assert "SECbrowser" not in page.content()  # the secret is never shown back
    page.screenshot(path=screenshot_dir / "admin-alert-channel.png", full_page=True)

    page.click("button.kx-object-tool")
    page.wait_for_selector("#result_list")
    page.screenshot(path=screenshot_dir / "admin-delivery-log.png", full_page=True)
    row = OutboundRequest.objects.get()
    assert (row.event, row.state) == ("test", "delivered")
    assert "Delivered" in page.locator("#result_list").inner_text()
    (request,) = receiver.received
    assert request.query["access_token"] == "t0k" and request.query["sign"]
    assert "用友支持组" in request.json()["markdown"]["text"]
