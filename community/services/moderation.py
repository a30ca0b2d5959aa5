"""What staff do to keep the forum useful, each action written to the moderation log.

Hide and restore posts, approve or reject new members' posts, lock, pin, move, merge, close
as a duplicate, pin an official answer, change a member's trust (settling flags is in
`flags`). The forum itself acts only once: hiding a post after enough flags (`actor=None`).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import User

from ..models import (
    Board,
    DigestItem,
    Flag,
    FlagState,
    ForumProfile,
    HiddenReason,
    ModerationAction,
    ModerationLog,
    Post,
    PostState,
    Subscription,
    Topic,
    TopicState,
    Trust,
)
from . import indexing, posting


def require_staff(actor: User | None) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_staff:
        raise ValidationError(_("Only staff can moderate the forum."), code="forbidden")


def log(
    *,
    action: str,
    actor: User | None,
    topic: Topic | None = None,
    post: Post | None = None,
    note: str = "",
    data: dict | None = None,
    now: datetime,
) -> ModerationLog:
    return ModerationLog.objects.create(
        action=ModerationAction(action),
        actor=actor,
        topic=topic or (post.topic if post else None),
        post=post,
        note=note,
        data={"title": (topic or post.topic).title if (topic or post) else "", **(data or {})},
        created_at=now,
    )


def _lock_post(post: Post) -> Post:
    return Post.objects.select_for_update().select_related("topic", "topic__board").get(pk=post.pk)


def _lock_topic(topic: Topic) -> Topic:
    return Topic.objects.select_for_update().select_related("board").get(pk=topic.pk)


def recount_topic(topic: Topic) -> None:
    """Replies, last activity and last poster from the visible posts (after a hide, move…)."""
    visible = Post.objects.filter(topic=topic, state=PostState.VISIBLE)
    topic.reply_count = visible.filter(number__gt=1).count()
    last = visible.order_by("-created_at", "-number").values("created_at", "author_id").first()
    if last:
        topic.last_activity_at, topic.last_poster_id = last["created_at"], last["author_id"]
    topic.save(update_fields=["reply_count", "last_activity_at", "last_poster"])


def recount_board(board: Board) -> None:
    visible = Topic.objects.filter(board=board, state=TopicState.VISIBLE)
    board.topic_count = visible.count()
    board.post_count = Post.objects.filter(
        topic__board=board, topic__state=TopicState.VISIBLE, state=PostState.VISIBLE
    ).count()
    board.last_activity_at = visible.aggregate(at=Max("last_activity_at"))["at"]
    board.save(update_fields=["topic_count", "post_count", "last_activity_at"])


def _after_visibility_change(topic: Topic) -> None:
    recount_topic(topic)
    recount_board(topic.board)
    indexing.index_topic(topic)


# --- Posts ------------------------------------------------------------------------------------


@transaction.atomic
def hide_post(
    *,
    post: Post,
    actor: User | None,
    reason: str = HiddenReason.STAFF,
    note: str = "",
    now: datetime | None = None,
) -> Post:
    """Hide a post (the whole topic when it is the question); `actor=None` is the flag rule."""
    now = resolve_now(now)
    if actor is not None:
        require_staff(actor)
    post = _lock_post(post)
    if post.state == PostState.HIDDEN:
        return post
    post.state, post.hidden_reason = PostState.HIDDEN, HiddenReason(reason)
    post.save(update_fields=["state", "hidden_reason"])
    topic = post.topic
    if post.number == 1:
        topic.state = TopicState.HIDDEN
        topic.save(update_fields=["state"])
    _after_visibility_change(topic)
    log(
        action=ModerationAction.AUTO_HIDE if actor is None else ModerationAction.HIDE,
        actor=actor,
        post=post,
        note=note,
        data={"number": post.number, "reason": post.hidden_reason},
        now=now,
    )
    return post


@transaction.atomic
def unhide_post(*, post: Post, actor: User, note: str = "", now: datetime | None = None) -> Post:
    """Restore a hidden post; its open flags are dismissed (staff disagreed with them)."""
    now = resolve_now(now)
    require_staff(actor)
    post = _lock_post(post)
    if post.state != PostState.HIDDEN:
        return post
    post.state, post.hidden_reason, post.flag_count = PostState.VISIBLE, "", 0
    post.save(update_fields=["state", "hidden_reason", "flag_count"])
    Flag.objects.filter(post=post, state=FlagState.OPEN).update(
        state=FlagState.DISMISSED, resolved_by=actor, resolved_at=now
    )
    topic = post.topic
    if post.number == 1 and topic.state == TopicState.HIDDEN:
        topic.state = TopicState.VISIBLE
        topic.save(update_fields=["state"])
    _after_visibility_change(topic)
    log(
        action=ModerationAction.UNHIDE,
        actor=actor,
        post=post,
        note=note,
        data={"number": post.number},
        now=now,
    )
    return post


@transaction.atomic
def approve_post(*, post: Post, actor: User, now: datetime | None = None) -> Post:
    """Let a new member's post through: it now counts, is found and tells its followers."""
    now = resolve_now(now)
    require_staff(actor)
    post = _lock_post(post)
    if post.state != PostState.PENDING:
        raise ValidationError(_("Only a post awaiting approval can be approved."))
    post.state = PostState.VISIBLE
    post.save(update_fields=["state"])
    topic = post.topic
    if post.number == 1:
        topic.state, topic.last_activity_at = TopicState.VISIBLE, now
        topic.save(update_fields=["state", "last_activity_at"])
    posting.became_visible(post, now=now)
    log(action=ModerationAction.APPROVE, actor=actor, post=post, data={"number": post.number}, now=now)
    return post


@transaction.atomic
def reject_post(*, post: Post, actor: User, note: str = "", now: datetime | None = None) -> Post:
    now = resolve_now(now)
    require_staff(actor)
    post = _lock_post(post)
    if post.state != PostState.PENDING:
        raise ValidationError(_("Only a post awaiting approval can be rejected."))
    post.state, post.hidden_reason = PostState.HIDDEN, HiddenReason.REJECTED
    post.save(update_fields=["state", "hidden_reason"])
    if post.number == 1:
        post.topic.state = TopicState.HIDDEN
        post.topic.save(update_fields=["state"])
    log(
        action=ModerationAction.REJECT,
        actor=actor,
        post=post,
        note=note,
        data={"number": post.number},
        now=now,
    )
    return post


# --- Topics -----------------------------------------------------------------------------------


def _set_flag(topic: Topic, actor: User, field: str, value: bool, action: str, now: datetime | None) -> Topic:
    now = resolve_now(now)
    require_staff(actor)
    topic = _lock_topic(topic)
    if getattr(topic, field) == value:
        return topic
    setattr(topic, field, value)
    topic.save(update_fields=[field])
    log(action=action, actor=actor, topic=topic, now=now)
    return topic


@transaction.atomic
def lock_topic(*, topic: Topic, actor: User, now: datetime | None = None) -> Topic:
    return _set_flag(topic, actor, "is_locked", True, ModerationAction.LOCK, now)


@transaction.atomic
def unlock_topic(*, topic: Topic, actor: User, now: datetime | None = None) -> Topic:
    return _set_flag(topic, actor, "is_locked", False, ModerationAction.UNLOCK, now)


@transaction.atomic
def pin_topic(*, topic: Topic, actor: User, now: datetime | None = None) -> Topic:
    return _set_flag(topic, actor, "is_pinned", True, ModerationAction.PIN, now)


@transaction.atomic
def unpin_topic(*, topic: Topic, actor: User, now: datetime | None = None) -> Topic:
    return _set_flag(topic, actor, "is_pinned", False, ModerationAction.UNPIN, now)


@transaction.atomic
def move_topic(*, topic: Topic, board: Board, actor: User, now: datetime | None = None) -> Topic:
    """Move a topic to another board; its search visibility follows the new board's audience."""
    now = resolve_now(now)
    require_staff(actor)
    topic = _lock_topic(topic)
    old = topic.board
    if old.pk == board.pk:
        return topic
    topic.board = board
    topic.save(update_fields=["board"])
    recount_board(old)
    recount_board(board)
    indexing.index_topic(topic)
    log(
        action=ModerationAction.MOVE,
        actor=actor,
        topic=topic,
        data={"from": old.name, "to": board.name},
        now=now,
    )
    return topic


@transaction.atomic
def merge_topics(*, source: Topic, target: Topic, actor: User, now: datetime | None = None) -> Topic:
    """Move every post of `source` to the end of `target`; `source` then points there.

    Post numbers continue after the target's highest, so links to the target's posts keep
    working; votes, flags and files travel with their posts, followers with the topic.
    """
    now = resolve_now(now)
    require_staff(actor)
    if source.pk == target.pk:
        raise ValidationError(_("A topic cannot be merged into itself."))
    first, second = sorted([source.pk, target.pk])
    locked = {
        t.pk: t
        for t in Topic.objects.select_for_update().select_related("board").filter(pk__in=[first, second])
    }
    source, target = locked[source.pk], locked[target.pk]
    if TopicState.MERGED in (source.state, target.state):
        raise ValidationError(_("A merged topic cannot be merged again."))
    posts = list(Post.objects.filter(topic=source).order_by("number"))
    number = target.highest_number
    for post in posts:
        number += 1
        post.topic, post.number = target, number
    Post.objects.bulk_update(posts, ["topic", "number"], batch_size=500)
    target.highest_number = number
    if not target.is_solved and source.is_solved:
        target.solution_id, target.is_solved, target.solved_at = source.solution_id, True, source.solved_at
    if target.official_answer_id is None and source.official_answer_id:
        target.official_answer_id = source.official_answer_id
    target.save(update_fields=["highest_number", "solution", "is_solved", "solved_at", "official_answer"])
    target.tags.add(*source.tags.all())
    followers = Subscription.objects.filter(topic=source).values_list("user_id", flat=True)
    Subscription.objects.bulk_create(
        [Subscription(user_id=user_id, topic=target, created_at=now) for user_id in followers],
        ignore_conflicts=True,
    )
    DigestItem.objects.filter(topic=source, sent_at__isnull=True).delete()
    source.state, source.merged_into = TopicState.MERGED, target
    source.is_pinned, source.is_solved, source.solution, source.official_answer = False, False, None, None
    source.reply_count = 0
    source.save(
        update_fields=[
            "state",
            "merged_into",
            "is_pinned",
            "is_solved",
            "solution",
            "official_answer",
            "reply_count",
        ]
    )
    recount_topic(target)
    recount_board(target.board)
    if source.board_id != target.board_id:
        recount_board(source.board)
    indexing.index_topic(target)
    indexing.remove_topic(source)
    log(
        action=ModerationAction.MERGE,
        actor=actor,
        topic=target,
        data={"source": source.pk, "source_title": source.title, "posts": len(posts)},
        now=now,
    )
    return target


@transaction.atomic
def close_as_duplicate(
    *, topic: Topic, original: Topic, actor: User, note: str = "", now: datetime | None = None
) -> Topic:
    """Lock a topic and point it at the one that already answers it."""
    now = resolve_now(now)
    require_staff(actor)
    if topic.pk == original.pk:
        raise ValidationError(_("A topic cannot be a duplicate of itself."))
    if original.state != TopicState.VISIBLE:
        raise ValidationError(_("The original topic must be visible."))
    topic = _lock_topic(topic)
    topic.duplicate_of, topic.is_locked = original, True
    topic.save(update_fields=["duplicate_of", "is_locked"])
    log(
        action=ModerationAction.DUPLICATE,
        actor=actor,
        topic=topic,
        note=note,
        data={"original": original.pk, "original_title": original.title},
        now=now,
    )
    return topic


@transaction.atomic
def pin_official_answer(*, post: Post, actor: User, now: datetime | None = None) -> Topic:
    """Show a staff reply right under the question, as the official answer."""
    now = resolve_now(now)
    require_staff(actor)
    topic = _lock_topic(post.topic)
    if post.topic_id != topic.pk or post.number == 1 or not post.author_badge:
        raise ValidationError(_("Only a staff reply in this topic can be the official answer."))
    if post.state != PostState.VISIBLE:
        raise ValidationError(_("A hidden or unapproved reply cannot be the official answer."))
    topic.official_answer = post
    topic.save(update_fields=["official_answer"])
    indexing.index_topic(topic)
    log(action=ModerationAction.PIN_ANSWER, actor=actor, post=post, data={"number": post.number}, now=now)
    return topic


@transaction.atomic
def unpin_official_answer(*, topic: Topic, actor: User, now: datetime | None = None) -> Topic:
    now = resolve_now(now)
    require_staff(actor)
    topic = _lock_topic(topic)
    if topic.official_answer_id is None:
        return topic
    topic.official_answer = None
    topic.save(update_fields=["official_answer"])
    log(action=ModerationAction.UNPIN_ANSWER, actor=actor, topic=topic, now=now)
    return topic


@transaction.atomic
def set_trust(*, profile: ForumProfile, trust: str, actor: User, now: datetime | None = None) -> ForumProfile:
    now = resolve_now(now)
    require_staff(actor)
    trust = Trust(trust)
    if profile.trust == trust:
        return profile
    old, profile.trust = profile.trust, trust
    profile.save(update_fields=["trust"])
    log(
        action=ModerationAction.TRUST,
        actor=actor,
        data={"member": profile.handle, "from": old, "to": trust},
        now=now,
    )
    return profile
