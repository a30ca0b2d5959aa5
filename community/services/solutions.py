"""Accepting a reply as the solution: the topic's author or staff, one at a time, changeable."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import User, WebhookEvent
from helpdesk.services import integrations

from .. import permissions
from ..models import Post, PostState, Topic
from . import indexing


def _lock(topic: Topic) -> Topic:
    return Topic.objects.select_for_update().select_related("board").get(pk=topic.pk)


@transaction.atomic
def mark_solution(*, topic: Topic, post: Post, actor: User, now: datetime | None = None) -> Topic:
    """Make `post` the accepted solution, replacing any earlier one."""
    now = resolve_now(now)
    topic = _lock(topic)
    if not permissions.can_mark_solution(actor, topic):
        raise ValidationError(
            _("Only the topic's author or staff can choose its solution."), code="forbidden"
        )
    if post.topic_id != topic.pk or post.number == 1:
        raise ValidationError(_("Choose a reply in this topic as the solution."))
    if post.state != PostState.VISIBLE:
        raise ValidationError(_("A hidden or unapproved reply cannot be the solution."))
    if topic.solution_id == post.pk:
        return topic
    topic.solution, topic.is_solved, topic.solved_at = post, True, now
    topic.save(update_fields=["solution", "is_solved", "solved_at"])
    indexing.index_topic(topic)
    topic_url = integrations.public_url(topic.get_absolute_url())
    integrations.emit(
        WebhookEvent.TOPIC_SOLVED,
        data={"topic": {"id": topic.pk, "title": topic.title, "solution_post_id": post.pk, "url": topic_url}},
        now=now,
    )
    return topic


@transaction.atomic
def unmark_solution(*, topic: Topic, actor: User) -> Topic:
    topic = _lock(topic)
    if not permissions.can_mark_solution(actor, topic):
        raise ValidationError(
            _("Only the topic's author or staff can choose its solution."), code="forbidden"
        )
    if topic.solution_id is None:
        return topic
    topic.solution, topic.is_solved, topic.solved_at = None, False, None
    topic.save(update_fields=["solution", "is_solved", "solved_at"])
    indexing.index_topic(topic)
    return topic
