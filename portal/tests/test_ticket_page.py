"""The customer's ticket page says who handles the request, how urgent it is and when the next
reply is due, in the customer's words; colleagues can be added as followers."""

from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from helpdesk.models import Status, TicketFollower
from helpdesk.services.conversation import record_agent_reply
from helpdesk.services.followers import add_follower
from helpdesk.services.tickets import assign_ticket
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import AgentFactory, CustomerFactory, OrganizationFactory, TeamFactory, submit

pytestmark = pytest.mark.django_db


def page(client, ticket, language="en") -> str:
    client.cookies["django_language"] = language
    return client.get(
        reverse("portal:ticket_detail", kwargs={"reference": ticket.reference})
    ).content.decode()


@pytest.fixture
def handled(customer):
    team = TeamFactory(name="金蝶对接组")
    agent = AgentFactory(full_name="李客服 Li (Agent)", email="li.kefu@vendor.example")
    team.members.add(agent)
    ticket = submit(requester=customer)
    ticket.team = team
    ticket.save(update_fields=["team"])
    assign_ticket(ticket=ticket, assignee=agent, actor=agent)
    record_agent_reply(ticket=ticket, author=agent, body="请提供日志")
    ticket.refresh_from_db()
    return ticket, agent


def test_priority_team_and_the_handlers_first_name_without_role_or_email(customer_client, handled):
    ticket, agent = handled
    html = page(customer_client, ticket)
    handling = html.split('id="handling"', 1)[1].split("</section>", 1)[0]
    assert ticket.get_priority_display() in handling
    assert "金蝶对接组" in handling
    assert '<dd class="handler">李客服</dd>' in handling
    assert "(Agent)" not in html and "li.kefu" not in html


def test_the_next_reply_is_due_in_the_viewers_time_zone(customer_client, customer, handled):
    ticket, _agent = handled
    customer.customer_profile.timezone = "Europe/Berlin"
    customer.customer_profile.save(update_fields=["timezone"])
    html = page(customer_client, ticket)
    due = ticket.next_response_due_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M")
    assert '<dd class="next-due"><time datetime="' in html and f">{due}</time>" in html


def test_waiting_on_the_customer_reads_awaiting_your_reply(customer_client, handled):
    ticket, agent = handled
    set_status(ticket=ticket, status=Status.PENDING_CUSTOMER, actor=agent)
    zh = page(customer_client, ticket, "zh-hans")
    with translation.override("zh-hans"):
        words = pgettext("status shown to the customer", "Awaiting your reply")  # 待您回复
        agents_words = str(Status.PENDING_CUSTOMER.label)  # 等待客户回复, the queue's words
    assert words in zh and agents_words not in zh
    assert "Awaiting your reply" in page(customer_client, ticket, "en")


def test_the_requester_adds_a_colleague_who_then_opens_and_replies(client, customer, org, handled):
    ticket, _agent = handled
    colleague = CustomerFactory(organization=org, full_name="刘财务")
    client.force_login(customer)
    html = page(client, ticket)
    assert f'<option value="{colleague.pk}">刘财务 &lt;{colleague.email}&gt;</option>' in html
    url = reverse("portal:ticket_follower_add", kwargs={"reference": ticket.reference})
    assert client.post(url, {"user": colleague.pk}).status_code == 302
    assert TicketFollower.objects.filter(ticket=ticket, user=colleague).exists()

    client.force_login(colleague)
    html = page(client, ticket)
    assert "Stop following" in html and 'name="user"' not in html  # a follower does not add others
    reply = reverse("portal:ticket_reply", kwargs={"reference": ticket.reference})
    assert client.post(reply, {"body": "我是同事，补充一下截图。", "staging": ""}).status_code == 302
    assert ticket.messages.filter(author=colleague).exists()


def test_someone_from_another_organization_cannot_be_added_and_the_form_says_so(customer_client, handled):
    ticket, _agent = handled
    stranger = CustomerFactory(organization=OrganizationFactory())
    url = reverse("portal:ticket_follower_add", kwargs={"reference": ticket.reference})
    response = customer_client.post(url, {"user": stranger.pk})
    assert response.status_code == 200
    assert "Choose one of your colleagues from the list." in response.content.decode()
    assert not TicketFollower.objects.exists()


def test_a_follower_who_stops_following_loses_the_page(client, customer, org, handled):
    ticket, _agent = handled
    colleague = CustomerFactory(organization=org)
    add_follower(ticket=ticket, user=colleague, actor=customer)
    client.force_login(colleague)
    url = reverse(
        "portal:ticket_follower_remove", kwargs={"reference": ticket.reference, "user_id": colleague.pk}
    )
    assert client.post(url).url == reverse("portal:tickets")
    assert (
        client.get(reverse("portal:ticket_detail", kwargs={"reference": ticket.reference})).status_code == 404
    )


def test_mail_preferences_are_saved_from_the_profile(customer_client, customer):
    form = {"full_name": "李娜", "phone": "", "timezone": "", "language": "zh-hans", "mail_replies": "on"}
    assert customer_client.post(reverse("portal:profile"), form).status_code == 302
    customer.customer_profile.refresh_from_db()
    profile = customer.customer_profile
    assert (profile.mail_replies, profile.mail_status_changes, profile.mail_forum_digest) == (
        True,
        False,
        False,
    )
