"""A topic becomes a ticket through intake; a ticket's answer becomes a reply; a topic a KB draft."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from community.models import ModerationAction, ModerationLog, Post, Topic
from community.services import escalation, solutions
from helpdesk.models import Channel, OutboundEmail, TicketMessage
from helpdesk.services.conversation import add_reply
from helpdesk.tests.files import PNG
from knowledgebase.models import Article, ArticleStatus

from .factories import reply, topic

pytestmark = pytest.mark.django_db


def test_the_author_escalates_through_intake_and_is_asked_for_what_is_missing(question, category):
    ticket = escalation.escalate_topic(topic=question, actor=question.author, category=category)
    assert (ticket.channel, ticket.requester, ticket.category) == (Channel.FORUM, question.author, category)
    assert ticket.subject == question.title
    assert question.posts.get(number=1).body_md in ticket.symptoms
    assert question.get_absolute_url() in ticket.symptoms  # the ticket links to the topic
    # Forum policy: accepted although vague, flagged, and the requester asked for the rest.
    assert ticket.needs_details is True
    mail = OutboundEmail.objects.get(kind="details_needed")
    assert mail.to == [question.author.email]
    question.refresh_from_db()
    assert (question.ticket, question.escalated_at is not None) == (
        ticket,
        True,
    )  # and the topic to the ticket
    assert ModerationLog.objects.get(action=ModerationAction.ESCALATE).data["ticket"] == ticket.pk


def test_escalating_twice_opens_one_ticket(question, category):
    first = escalation.escalate_topic(topic=question, actor=question.author, category=category)
    Topic.objects.filter(pk=question.pk).update(ticket=None)  # as if the link step had failed
    again = escalation.escalate_topic(
        topic=Topic.objects.get(pk=question.pk), actor=question.author, category=category
    )
    assert again == first


def test_the_questions_files_go_with_it(board, asker, category):
    upload = SimpleUploadedFile("错误截图.png", PNG, content_type="image/png")
    thread = topic(board=board, author=asker, attachments=[upload])
    ticket = escalation.escalate_topic(topic=thread, actor=asker, category=category)
    assert ticket.attachments.get().original_name == "错误截图.png"


def test_others_and_solved_topics_cannot_be_escalated(question, helper, agent, category):
    with pytest.raises(ValidationError, match="Only the author of an unsolved topic, or an agent"):
        escalation.escalate_topic(topic=question, actor=helper, category=category)
    solutions.mark_solution(topic=question, post=reply(topic=question, author=agent), actor=question.author)
    with pytest.raises(ValidationError, match="Only the author of an unsolved topic"):
        escalation.escalate_topic(
            topic=Topic.objects.get(pk=question.pk), actor=question.author, category=category
        )


def test_the_topic_says_escalated_without_showing_the_ticket(client, question, helper, category):
    ticket = escalation.escalate_topic(topic=question, actor=question.author, category=category)
    client.force_login(helper)
    page = client.get(question.get_absolute_url()).content.decode()
    assert "This question was escalated to support." in page
    assert ticket.reference not in page
    assert "My requests</a>." not in notice(page)
    client.force_login(question.author)
    assert f'<a href="{reverse("portal:tickets")}">My requests</a>.' in notice(
        client.get(question.get_absolute_url()).content.decode()
    )


def notice(page: str) -> str:
    start = page.index('id="escalated"')
    return page[start : page.index("</div>", start)]


def test_the_author_escalates_from_the_page(asker_client, question, category):
    url = reverse("community:escalate", args=[question.pk])
    assert asker_client.get(url).status_code == 200
    response = asker_client.post(url, {"category": category.pk, "note": "急：今天月结"})
    assert response.status_code == 302
    ticket = Topic.objects.get(pk=question.pk).ticket
    assert "急：今天月结" in ticket.symptoms


def test_an_agent_escalates_from_the_admin(client, question, agent, category):
    client.force_login(agent)
    url = reverse("admin:community_topic_changelist")
    client.post(url, {"action": "escalate_selected", "_selected_action": [question.pk], "apply": "1",
                      "category": category.pk})  # fmt: skip
    ticket = Topic.objects.get(pk=question.pk).ticket
    assert (ticket.requester, ticket.created_by) == (question.author, agent)


def test_an_agent_publishes_the_tickets_solution_as_a_pinned_reply(client, question, agent, category):
    ticket = escalation.escalate_topic(topic=question, actor=question.author, category=category)
    add_reply(ticket=ticket, author=agent, body="请在插件中点“生成红冲凭证”，审核后在总账过账。")
    client.force_login(agent)
    url = reverse("admin:community_topic_publish", args=[question.pk])
    form = client.get(url).context["form"]
    assert form.initial["ticket"] == ticket.reference
    assert "生成红冲凭证" in form.initial["body"]
    client.post(url, {"ticket": ticket.reference, "body": form.initial["body"], "pin": "on"})
    post = Post.objects.get(topic=question, source_ticket=ticket)
    assert post.author_badge and post.author == agent
    assert Topic.objects.get(pk=question.pk).official_answer == post
    assert ModerationLog.objects.filter(action=ModerationAction.PUBLISH_SOLUTION, post=post).exists()


def test_a_ticket_without_an_agent_reply_has_nothing_to_publish(question, agent, category):
    ticket = escalation.escalate_topic(topic=question, actor=question.author, category=category)
    assert not ticket.messages.filter(kind=TicketMessage.Kind.PUBLIC_REPLY).exists()
    with pytest.raises(ValidationError, match="The ticket has no agent reply to publish"):
        escalation.publish_ticket_solution(ticket=ticket, topic=question, agent=agent)


def test_a_solved_topic_becomes_a_knowledge_base_draft(client, question, helper, agent):
    answer = reply(topic=question, author=helper, body="在插件里点“生成红冲凭证”，然后到总账审核过账。")
    client.force_login(agent)
    url = reverse("admin:community_topic_changelist")
    client.post(url, {"action": "draft_article_selected", "_selected_action": [question.pk]})
    assert not Article.objects.exists()  # unsolved: refused with a message
    solutions.mark_solution(topic=question, post=answer, actor=question.author)
    client.post(url, {"action": "draft_article_selected", "_selected_action": [question.pk]})
    article = Article.objects.get()
    assert (article.title, article.status) == (question.title, ArticleStatus.DRAFT)
    assert answer.body_md in article.body_md and question.get_absolute_url() in article.body_md
    assert ModerationLog.objects.get(action=ModerationAction.KB_DRAFT).data["article"] == article.pk


def test_the_requester_is_asked_for_exactly_what_intake_finds_missing(question, category):
    from helpdesk.quality import score_description
    from helpdesk.services.intake import normalise_fields, quality_errors

    fields = escalation.ticket_fields(
        topic=question, question=question.posts.get(number=1), category=category
    )
    fields.pop("category")
    # Intake fills a blank ERP system from the organization, as for every door.
    fields.setdefault("erp_system", question.author.customer_profile.organization.default_erp_system)
    expected = quality_errors(score_description(normalise_fields(fields), category=category))
    escalation.escalate_topic(topic=question, actor=question.author, category=category)
    asked = OutboundEmail.objects.get(kind="details_needed").body
    assert expected
    for messages in expected.values():
        for message in messages:
            assert message in asked


def test_the_ticket_queue_publishes_a_solution_in_the_linked_topic(client, question, agent, category):
    from core.registry import ticket_admin_actions

    assert "community.publish_solution" in ticket_admin_actions
    ticket = escalation.escalate_topic(topic=question, actor=question.author, category=category)
    add_reply(ticket=ticket, author=agent, body="请升级到 3.2.1 后再点“生成红冲凭证”，旧版本凭证号可能重复。")
    client.force_login(agent)
    client.post(
        reverse("admin:helpdesk_ticket_changelist"),
        {"action": "publish_solution_to_forum", "_selected_action": [ticket.pk]},
    )
    post = Post.objects.get(topic=question, source_ticket=ticket)
    assert "3.2.1" in post.body_md
    assert Topic.objects.get(pk=question.pk).official_answer == post
