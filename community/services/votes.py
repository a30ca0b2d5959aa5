"""Votes on posts: one per member and post, never on one's own, and they can be withdrawn."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import User

from .. import permissions
from ..models import Post, PostState, Topic, Vote
from . import indexing


def _check(post: Post, user: User) -> None:
    if not user.is_authenticated:
        raise ValidationError(_("Sign in to vote."), code="forbidden")
    if not permissions.can_read_topic(user, post.topic) or post.state != PostState.VISIBLE:
        raise ValidationError(_("You cannot vote for this post."), code="forbidden")
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot vote for your own post."), code="own_post")


def _count(post: Post, delta: int) -> None:
    Post.objects.filter(pk=post.pk).update(vote_count=F("vote_count") + delta)
    if post.number == 1:
        # The question's votes are the topic's, shown in every list and weighed by search.
        Topic.objects.filter(pk=post.topic_id).update(vote_count=F("vote_count") + delta)
        indexing.index_topic(Topic.objects.select_related("board").get(pk=post.topic_id))


@transaction.atomic
def vote(*, post: Post, user: User, now: datetime | None = None) -> bool:
    """Vote for a post; False when the member had already voted for it."""
    now = resolve_now(now)
    _check(post, user)
    try:
        with transaction.atomic():
            Vote.objects.create(post=post, user=user, created_at=now)
    except IntegrityError:  # one vote per member: a second one (or a double click) changes nothing
        return False
    _count(post, +1)
    return True


@transaction.atomic
def withdraw_vote(*, post: Post, user: User) -> bool:
    """Take a vote back; False when there was none."""
    if not user.is_authenticated:
        raise ValidationError(_("Sign in to vote."), code="forbidden")
    deleted, _rows = Vote.objects.filter(post=post, user=user).delete()
    if deleted:
        _count(post, -1)
    return bool(deleted)
