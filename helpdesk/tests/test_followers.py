"""Followers: colleagues of the requester see the ticket, get its mails, may reply; others not."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from helpdesk.models import EmailKind, OutboundEmail, Ticket, TicketMessage
from helpdesk.selectors.tickets import access_ticket, visible_tickets
from helpdesk.services import followers, notifications
from helpdesk.services.conversation import add_reply
from helpdesk.tests.factories import AgentFactory, CustomerFactory, OrganizationFactory, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monday_9am):
    org = OrganizationFactory()
    requester = CustomerFactory(organization=org, full_name="赵会计")
    colleague = CustomerFactory(organization=org, full_name="刘财务")
    admin = CustomerFactory(organization=org, organization__is_org_admin=True)
    outsider = CustomerFactory(organization=OrganizationFactory())
    ticket = submit(requester=requester, now=monday_9am)
    return ticket, requester, colleague, admin, outsider


def test_a_colleague_added_by_the_requester_sees_the_ticket_and_can_reply(world, monday_9am):
    ticket, requester, colleague, _admin, _outsider = world
    with pytest.raises(Http404):
        access_ticket(colleague, ticket.reference)

    followers.add_follower(ticket=ticket, user=colleague, actor=requester, now=monday_9am)

    assert access_ticket(colleague, ticket.reference) == ticket
    message = add_reply(ticket=ticket, author=colleague, body="补充：用友 U8 也有同样问题。", now=monday_9am)
    assert message.kind == TicketMessage.Kind.CUSTOMER_REPLY and message.author == colleague


def test_a_ticket_with_several_followers_is_listed_once(world, monday_9am):
    ticket, requester, colleague, admin, _outsider = world
    followers.add_follower(ticket=ticket, user=colleague, actor=requester, now=monday_9am)
    followers.add_follower(ticket=ticket, user=admin, actor=requester, now=monday_9am)
    assert list(visible_tickets(requester)) == [ticket]
    assert list(visible_tickets(colleague)) == [ticket]


def test_people_outside_the_organization_agents_and_the_requester_cannot_be_added(world, monday_9am):
    ticket, requester, _colleague, _admin, outsider = world
    for person in (
        outsider,
        AgentFactory(),
        requester,
        CustomerFactory(organization=ticket.organization, is_active=False),
    ):
        with pytest.raises(ValidationError) as caught:
            followers.add_follower(ticket=ticket, user=person, actor=requester, now=monday_9am)
        assert "colleagues from your organization" in caught.value.message_dict["user"][0]
    assert not ticket.followers.exists()


def test_only_the_requester_or_an_org_admin_manage_followers(world, monday_9am):
    ticket, requester, colleague, admin, _outsider = world
    other = CustomerFactory(organization=ticket.organization)
    followers.add_follower(ticket=ticket, user=colleague, actor=admin, now=monday_9am)
    with pytest.raises(ValidationError):
        followers.add_follower(ticket=ticket, user=other, actor=colleague, now=monday_9am)
    with pytest.raises(ValidationError):
        followers.remove_follower(ticket=ticket, user=colleague, actor=other)
    assert followers.remove_follower(ticket=ticket, user=colleague, actor=colleague)  # leaving is allowed
    with pytest.raises(Http404):
        access_ticket(colleague, ticket.reference)


def test_a_follower_who_moved_to_another_organization_loses_access(world, monday_9am):
    ticket, requester, colleague, _admin, outsider = world
    followers.add_follower(ticket=ticket, user=colleague, actor=requester, now=monday_9am)
    colleague.customer_profile.organization = outsider.customer_profile.organization
    colleague.customer_profile.save(update_fields=["organization"])
    with pytest.raises(Http404):
        access_ticket(colleague, ticket.reference)


def test_followers_get_the_agents_reply_in_their_own_language(world, monday_9am):
    ticket, requester, colleague, _admin, _outsider = world
    colleague.customer_profile.language = "en"
    colleague.customer_profile.save(update_fields=["language"])
    requester.customer_profile.language = "zh-hans"
    requester.customer_profile.save(update_fields=["language"])
    followers.add_follower(ticket=ticket, user=colleague, actor=requester, now=monday_9am)
    add_reply(ticket=ticket, author=AgentFactory(), body="请提供日志。", now=monday_9am)

    by_recipient = {
        tuple(m.to): m for m in OutboundEmail.objects.filter(ticket=ticket, kind=EmailKind.AGENT_REPLY)
    }
    assert set(by_recipient) == {(requester.email,), (colleague.email,)}
    assert by_recipient[(colleague.email,)].subject.startswith(f"[{ticket.reference}] New reply")
    assert "New reply" not in by_recipient[(requester.email,)].subject


def test_a_customer_who_switched_replies_off_gets_none_and_the_survey_is_the_requesters(world, monday_9am):
    ticket, requester, colleague, _admin, _outsider = world
    followers.add_follower(ticket=ticket, user=colleague, actor=requester, now=monday_9am)
    requester.customer_profile.mail_replies = False
    requester.customer_profile.save(update_fields=["mail_replies"])

    assert notifications.customer_recipients(ticket, EmailKind.AGENT_REPLY) == [colleague]
    assert notifications.customer_recipients(ticket, EmailKind.SATISFACTION_SURVEY, followers=False) == [
        requester
    ]
    requester.customer_profile.mail_status_changes = False
    requester.customer_profile.save(update_fields=["mail_status_changes"])
    assert notifications.customer_recipients(ticket, EmailKind.SATISFACTION_SURVEY, followers=False) == []


def test_the_requesters_preferences_do_not_silence_mails_that_ask_for_something(world, monday_9am):
    ticket, requester, *_ = world
    requester.customer_profile.mail_replies = requester.customer_profile.mail_status_changes = False
    requester.customer_profile.save()
    vague = submit(requester=requester, channel=Ticket.Channel.PHONE, created_by=AgentFactory(),
                   details={"symptoms": "", "steps_to_reproduce": ""}, now=monday_9am)  # fmt: skip
    assert vague.needs_details
    assert OutboundEmail.objects.filter(ticket=vague, kind=EmailKind.DETAILS_NEEDED).count() == 1
