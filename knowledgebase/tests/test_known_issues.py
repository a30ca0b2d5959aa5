"""Known issues as problems: linking tickets (single, bulk, suggested), the fix flow, the notices."""

from datetime import date

import pytest
from django.urls import reverse

from helpdesk.models import (
    EmailKind,
    OutboundEmail,
    PluginVersion,
    SatisfactionRating,
    Status,
    TicketEvent,
    TicketMessage,
)
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import AgentFactory, CustomerFactory, OrganizationFactory, submit
from knowledgebase.models import IssueStatus, Kind, KnownIssueLink, LinkSource, Visibility
from knowledgebase.selectors.versions import known_issues_for_ticket, suggest_for_ticket
from knowledgebase.services.known_issues import default_fix_replies, link_tickets, mark_fixed

from .factories import article


@pytest.fixture
def versions(db):
    return {
        v: PluginVersion.objects.get_or_create(version=v, defaults={"released_on": date(2025, 1, 1)})[0]
        for v in ("3.2.0", "3.2.1", "3.2.2")
    }


@pytest.fixture
def agent(db):
    return AgentFactory(full_name="王敏")


@pytest.fixture
def issue(versions):
    known = article(
        kind=Kind.KNOWN_ISSUE,
        title="金蝶云星空 8.2 中凭证附件数为 0",
        body_md="生成的收款凭证附件数总是 0。错误码 ERR-5107。",
        workaround_md="在凭证规则中手动设置附件数。",
        issue_status=IssueStatus.WORKAROUND,
        plugin_versions=[versions["3.2.0"], versions["3.2.1"]],
    )
    return known


def _ticket(customer, channel="web", **details):
    return submit(requester=customer, channel=channel, details={"plugin_version": "3.2.1", **details})


@pytest.fixture
def people(db):
    org_a, org_b = OrganizationFactory(name="华东纺织"), OrganizationFactory(name="Nordic GmbH")
    zhao = CustomerFactory(organization=org_a, email="zhao@a.example", organization__language="zh-hans")
    anna = CustomerFactory(organization=org_b, email="anna@b.example", organization__language="en")
    return zhao, anna


def test_link_from_the_ticket_page_records_the_link_and_an_audit_event(client, agent, issue, people):
    ticket = _ticket(people[0])
    client.force_login(agent)
    response = client.post(
        reverse("admin:knowledgebase_known_issue_link", args=[ticket.pk]), {"issue": issue.pk}
    )
    assert response.status_code == 302
    link = KnownIssueLink.objects.get(ticket=ticket)
    assert (link.issue, link.source, link.linked_by) == (issue, LinkSource.TICKET_PAGE, agent)
    event = ticket.events.get(kind=TicketEvent.Kind.KNOWN_ISSUE)
    assert event.new_value == issue.title
    # Linking again changes nothing.
    client.post(reverse("admin:knowledgebase_known_issue_link", args=[ticket.pk]), {"issue": issue.pk})
    assert KnownIssueLink.objects.filter(ticket=ticket).count() == 1
    assert ticket.events.filter(kind=TicketEvent.Kind.KNOWN_ISSUE).count() == 1


def test_the_ticket_page_shows_linked_issues_and_suggestions(client, agent, issue, people):
    ticket = _ticket(people[0], error_message="ERR-5107 附件数为 0")
    client.force_login(agent)
    page = client.get(reverse("admin:helpdesk_ticket_change", args=[ticket.pk])).content.decode()
    assert "Maybe an instance of" in page and issue.title in page
    link_tickets(issue=issue, tickets=[ticket], actor=agent)
    page = client.get(reverse("admin:helpdesk_ticket_change", args=[ticket.pk])).content.decode()
    assert "Maybe an instance of" not in page
    assert reverse("admin:knowledgebase_known_issue_unlink", args=[ticket.pk, issue.pk]) in page


def test_a_customer_cannot_link(client, issue, people):
    ticket = _ticket(people[0])
    client.force_login(people[0])
    response = client.post(
        reverse("admin:knowledgebase_known_issue_link", args=[ticket.pk]), {"issue": issue.pk}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not KnownIssueLink.objects.exists()


def test_bulk_action_links_every_selected_ticket(client, agent, issue, people):
    tickets = [_ticket(people[0]), _ticket(people[1])]
    client.force_login(agent)
    url = reverse("admin:helpdesk_ticket_changelist")
    selected = {"action": "link_to_known_issue", "_selected_action": [t.pk for t in tickets]}
    page = client.post(url, selected)
    assert page.status_code == 200 and "Link these tickets to a known issue" in page.content.decode()
    response = client.post(url, {**selected, "apply": "1", "issue": issue.pk})
    assert response.status_code == 302
    links = KnownIssueLink.objects.filter(issue=issue)
    assert sorted(links.values_list("ticket_id", flat=True)) == sorted(t.pk for t in tickets)
    assert set(links.values_list("source", flat=True)) == {LinkSource.BULK}


def test_suggestions_match_the_reported_version_or_the_error_text(agent, issue, versions, people):
    by_text = _ticket(people[0], channel="phone", plugin_version="", error_message="ERR-5107 附件数为 0")
    by_version = _ticket(people[0], plugin_version="3.2.0", error_message="完全不同的错误")
    unrelated = _ticket(people[0], plugin_version="3.2.2", error_message="网络超时")
    assert suggest_for_ticket(ticket=by_text, user=agent) == [issue]
    assert suggest_for_ticket(ticket=by_version, user=agent) == [issue]
    assert suggest_for_ticket(ticket=unrelated, user=agent) == []
    # A fixed issue is not suggested any more; a linked one neither.
    link_tickets(issue=issue, tickets=[by_text], actor=agent, source=LinkSource.SUGGESTED)
    assert suggest_for_ticket(ticket=by_text, user=agent) == []


def _replies():
    return {"zh-hans": "已在 3.2.2 修复，请升级插件。", "en": "Fixed in 3.2.2, please upgrade the plugin."}


def test_fix_answers_each_linked_open_ticket_once_and_mails_each_requester_once(
    agent, issue, versions, people
):
    zhao, anna = people
    zhao_tickets = [_ticket(zhao), _ticket(zhao)]
    anna_ticket = _ticket(anna)
    done = _ticket(anna)
    set_status(ticket=done, status=Status.RESOLVED, actor=agent)
    link_tickets(issue=issue, tickets=[*zhao_tickets, anna_ticket, done], actor=agent)
    OutboundEmail.objects.all().delete()

    outcome = mark_fixed(
        issue=issue, version=versions["3.2.2"], replies=_replies(), then=Status.PENDING_CUSTOMER, actor=agent
    )

    assert (outcome.replied, outcome.requesters, outcome.kept_status) == (3, 2, 0)
    issue.refresh_from_db()
    assert (issue.issue_status, issue.fixed_in, issue.fixed_at is not None) == (
        IssueStatus.FIXED,
        versions["3.2.2"],
        True,
    )
    for ticket in [*zhao_tickets, anna_ticket]:
        ticket.refresh_from_db()
        assert ticket.status == Status.PENDING_CUSTOMER
        reply = ticket.messages.get(kind=TicketMessage.Kind.PUBLIC_REPLY)
        expected = _replies()["en" if ticket.requester == anna else "zh-hans"]
        assert reply.body == expected and reply.author == agent
        assert ticket.events.filter(kind=TicketEvent.Kind.KNOWN_ISSUE_FIXED, new_value="3.2.2").count() == 1
    assert not done.messages.filter(kind=TicketMessage.Kind.PUBLIC_REPLY).exists()
    mails = OutboundEmail.objects.all()
    assert sorted(m.to[0] for m in mails) == ["anna@b.example", "zhao@a.example"]
    assert {m.kind for m in mails} == {EmailKind.KNOWN_ISSUE_FIXED}
    zhao_mail = mails.get(to=["zhao@a.example"])
    assert "3.2.2" in zhao_mail.subject and all(t.reference in zhao_mail.body for t in zhao_tickets)
    assert "修复" in zhao_mail.body
    assert "fixed in plugin version 3.2.2" in mails.get(to=["anna@b.example"]).body

    # Again (e.g. after linking one more ticket): only the new ticket is answered.
    late = _ticket(anna)
    link_tickets(issue=issue, tickets=[late], actor=agent)
    OutboundEmail.objects.all().delete()
    again = mark_fixed(
        issue=issue, version=versions["3.2.2"], replies=_replies(), then=Status.PENDING_CUSTOMER, actor=agent
    )
    assert (again.replied, again.requesters) == (1, 1)
    assert OutboundEmail.objects.get().to == ["anna@b.example"]


def test_fix_can_resolve_and_the_one_mail_carries_the_survey_links(agent, issue, versions, people):
    zhao = people[0]
    tickets = [_ticket(zhao), _ticket(zhao)]
    link_tickets(issue=issue, tickets=tickets, actor=agent)
    OutboundEmail.objects.all().delete()
    mark_fixed(issue=issue, version=versions["3.2.2"], replies=_replies(), then=Status.RESOLVED, actor=agent)
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.status == Status.RESOLVED
    mail = OutboundEmail.objects.get()
    assert mail.kind == EmailKind.KNOWN_ISSUE_FIXED
    for rating in SatisfactionRating.objects.filter(ticket__in=tickets):
        assert f"/rate/{rating.token}/" in mail.body


def test_fix_refuses_a_missing_language_or_an_unknown_outcome(agent, issue, versions):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        mark_fixed(
            issue=issue,
            version=versions["3.2.2"],
            replies={"zh-hans": "好"},
            then=Status.RESOLVED,
            actor=agent,
        )
    with pytest.raises(ValidationError):
        mark_fixed(
            issue=issue, version=versions["3.2.2"], replies=_replies(), then=Status.CLOSED, actor=agent
        )
    issue.refresh_from_db()
    assert issue.issue_status == IssueStatus.WORKAROUND


def test_mark_fixed_page_prefills_the_reply_and_sends(client, agent, issue, versions, people):
    ticket = _ticket(people[0])
    link_tickets(issue=issue, tickets=[ticket], actor=agent)
    client.force_login(agent)
    url = reverse("admin:knowledgebase_known_issue_fix", args=[issue.pk])
    page = client.post(url, {"refill": "1", "version": versions["3.2.2"].pk}).content.decode()
    assert "plugin version 3.2.2" in page  # the reply filled in for the chosen version
    defaults = default_fix_replies(issue=issue, version=versions["3.2.2"])
    assert "3.2.2" in defaults["zh-hans"] and "3.2.2" in defaults["en"]
    assert "plugin version 3.2.2" in defaults["en"]
    assert ticket.reference in page
    response = client.post(
        url,
        {
            "send": "1",
            "version": versions["3.2.2"].pk,
            "then": Status.PENDING_CUSTOMER,
            "reply_zh_hans": "修好了",
            "reply_en": "Fixed",
        },
    )
    assert response.status_code == 302
    assert ticket.messages.get(kind=TicketMessage.Kind.PUBLIC_REPLY).body == "修好了"
    # Refused input keeps what was typed.
    other = client.post(
        url, {"send": "1", "version": "", "then": Status.RESOLVED, "reply_zh_hans": "留着", "reply_en": ""}
    )
    assert other.status_code == 200 and "留着" in other.content.decode()


def test_the_known_issue_page_lists_linked_tickets_and_affected_organizations(client, agent, issue, people):
    link_tickets(issue=issue, tickets=[_ticket(people[0]), _ticket(people[1])], actor=agent)
    client.force_login(agent)
    page = client.get(reverse("admin:knowledgebase_article_change", args=[issue.pk])).content.decode()
    assert "Linked tickets and affected organizations" in page
    assert "华东纺织" in page and "Nordic GmbH" in page
    assert reverse("admin:knowledgebase_known_issue_fix", args=[issue.pk]) in page


def test_the_customer_ticket_page_says_it_is_a_known_issue_with_the_workaround(client, agent, issue, people):
    ticket = _ticket(people[0])
    link_tickets(issue=issue, tickets=[ticket], actor=agent)
    client.force_login(people[0])
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "This is a known issue" in page and issue.title in page
    assert "在凭证规则中手动设置附件数" in page


def test_an_agents_only_known_issue_stays_hidden_from_the_customer(agent, versions, people):
    hidden = article(kind=Kind.KNOWN_ISSUE, title="内部问题", visibility=Visibility.AGENTS)
    ticket = _ticket(people[0])
    link_tickets(issue=hidden, tickets=[ticket], actor=agent)
    assert known_issues_for_ticket(ticket=ticket, user=people[0]) == []
    assert known_issues_for_ticket(ticket=ticket, user=agent) == [hidden]


def test_linking_only_known_issues(agent, people):
    from django.core.exceptions import ValidationError

    plain = article(kind=Kind.ARTICLE)
    with pytest.raises(ValidationError):
        link_tickets(issue=plain, tickets=[_ticket(people[0])], actor=agent)


def test_a_merged_ticket_is_not_linked(agent, issue, people):
    from helpdesk.services.tickets import merge_tickets

    keep, gone = _ticket(people[0]), _ticket(people[0])
    merge_tickets(source=gone, target=keep, actor=agent)
    gone.refresh_from_db()
    assert link_tickets(issue=issue, tickets=[gone], actor=agent) == 0
