"""From the forum to the helpdesk and back: escalate a topic to a ticket, publish a ticket's
solution in a topic, draft a knowledge-base article from a topic.

Escalation is the forum's door onto intake: it translates the topic into ticket fields and
calls `open_ticket` on the forum channel, whose policy accepts a request that lacks details,
flags it "needs details" and asks the requester for the rest. The ticket is born in intake's
own transaction (its reads stay outside the write lock); the link back to the topic is a
second short one. The idempotency key is derived from the topic, so a retry after a failed
second step finds the same ticket instead of opening another.
"""

import uuid
from contextlib import ExitStack
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import Category, Channel, Ticket, TicketMessage, User
from helpdesk.services import intake
from knowledgebase.models import Article, ArticleStatus
from knowledgebase.services.articles import create_article

from .. import permissions
from ..models import ModerationAction, Post, Topic
from . import moderation, posting, subscriptions

NAMESPACE = uuid.UUID("6f4b1c2e-4d0a-4c55-9a1e-8f0b8d6f2c91")


def idempotency_key(topic: Topic) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"forum-topic:{topic.pk}")


def _absolute(url: str) -> str:
    return settings.PORTAL_BASE_URL + url


def ticket_fields(*, topic: Topic, question: Post, category: Category | None, note: str = "") -> dict:
    """The topic as intake fields; what a forum question does not say stays empty, and intake
    asks the requester for it."""
    with translation.override(settings.LANGUAGE_CODE):
        source = _("From the community topic: %(url)s") % {"url": _absolute(topic.get_absolute_url())}
    parts = [question.body_md.strip(), note.strip(), source]
    fields = {
        "category": category or topic.board.ticket_category,
        "subject": topic.title[:200],
        "symptoms": "\n\n".join(part for part in parts if part),
    }
    if topic.board.erp_system:
        fields["erp_system"] = topic.board.erp_system
    return fields


def escalate_topic(
    *,
    topic: Topic,
    actor: User,
    category: Category | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket for the topic's author (through intake) and link the two."""
    now = resolve_now(now)
    topic = Topic.objects.select_related("board", "author__customer_profile").get(pk=topic.pk)
    if not permissions.can_escalate(actor, topic):
        raise ValidationError(
            _("Only the author of an unsolved topic, or an agent, can turn it into a support request."),
            code="forbidden",
        )
    question = topic.posts.prefetch_related("attachments").get(number=1)
    fields = ticket_fields(topic=topic, question=question, category=category, note=note)
    with ExitStack() as stack:
        files = [
            UploadedFile(
                file=stack.enter_context(attachment.file.open("rb")),
                name=attachment.original_name,
                content_type=attachment.content_type,
                size=attachment.size,
            )
            for attachment in question.attachments.all()
        ]
        ticket = intake.open_ticket(
            requester=topic.author,
            channel=Channel.FORUM,
            fields=fields,
            attachments=files,
            created_by=actor if actor.is_staff else None,
            idempotency_key=idempotency_key(topic),
            now=now,
        )
    _link(topic=topic, ticket=ticket, actor=actor, now=now)
    return ticket


@transaction.atomic
def _link(*, topic: Topic, ticket: Ticket, actor: User, now: datetime) -> None:
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.ticket_id == ticket.pk:
        return
    topic.ticket, topic.escalated_at = ticket, now
    topic.save(update_fields=["ticket", "escalated_at"])
    moderation.log(
        action=ModerationAction.ESCALATE,
        actor=actor,
        topic=topic,
        data={"ticket": ticket.pk, "needs_details": ticket.needs_details},
        now=now,
    )


def last_agent_reply(ticket: Ticket) -> TicketMessage | None:
    return ticket.messages.filter(kind=TicketMessage.Kind.PUBLIC_REPLY).order_by("-created_at", "-pk").first()


@transaction.atomic
def publish_ticket_solution(
    *,
    ticket: Ticket,
    topic: Topic,
    agent: User,
    body: str | None = None,
    pin: bool = True,
    now: datetime | None = None,
) -> Post:
    """Post a ticket's answer (the last agent reply, or `body` as the agent edited it) in a
    topic as a staff reply, pinned as the official answer unless `pin` is False."""
    now = resolve_now(now)
    if not agent.is_staff:
        raise ValidationError(_("Only agents can publish a ticket's solution."), code="forbidden")
    if body is None:
        reply = last_agent_reply(ticket)
        if reply is None:
            raise ValidationError(_("The ticket has no agent reply to publish."))
        body = reply.body
    post = posting.create_reply(topic=topic, author=agent, body=body, source_ticket=ticket, now=now)
    if pin:
        moderation.pin_official_answer(post=post, actor=agent, now=now)
    moderation.log(
        action=ModerationAction.PUBLISH_SOLUTION,
        actor=agent,
        post=post,
        data={"ticket": ticket.pk, "number": post.number},
        now=now,
    )
    subscriptions.follow_topic(user=agent, topic=topic, now=now)
    return post


@transaction.atomic
def draft_article_from_topic(*, topic: Topic, editor: User, now: datetime | None = None) -> Article:
    """A knowledge-base draft: the question as the problem, the accepted solution (else the
    official answer) as the solution, and a link back to the topic."""
    now = resolve_now(now)
    if not editor.is_staff:
        raise ValidationError(_("Only staff can draft articles."), code="forbidden")
    answer = topic.solution or topic.official_answer
    if answer is None:
        raise ValidationError(
            _("Only a topic with an accepted solution or an official answer can become an article.")
        )
    question = topic.posts.get(number=1)
    with translation.override(settings.LANGUAGE_CODE):
        body = "\n\n".join(
            [
                "## " + _("Problem"),
                question.body_md,
                "## " + _("Solution"),
                answer.body_md,
                "---",
                _("From the community topic “%(title)s”: %(url)s")
                % {"title": topic.title, "url": _absolute(topic.get_absolute_url())},
            ]
        )
    article = create_article(
        title=topic.title, body_md=body, status=ArticleStatus.DRAFT, editor=editor, now=now
    )
    moderation.log(
        action=ModerationAction.KB_DRAFT, actor=editor, topic=topic, data={"article": article.pk}, now=now
    )
    return article
