"""Starting topics, replying and editing: the rules every post passes on its way in.

Each post is checked for length (Chinese-aware, see `text`), links and the member's rate
limits (`limits`); on a board that approves new members' posts it waits for a moderator.
A post that becomes visible bumps its topic and board, is indexed for search and tells its
followers and the members it mentions (`digests`).
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import Ticket, User
from helpdesk.roles import MANAGERS
from helpdesk.services import staging

from .. import permissions
from ..models import (
    AuthorBadge,
    Board,
    ForumProfile,
    Post,
    PostRevision,
    PostState,
    Tag,
    Topic,
    TopicState,
    Trust,
)
from . import attachments as forum_files
from . import digests, indexing, limits, profiles, subscriptions, text

# Discourse's "editing grace period": the author fixing a typo right after posting leaves
# no revision behind; after that, every edit is kept and shown.
GRACE = timedelta(minutes=5)
MAX_TAGS = 3

Attachments = Iterable[UploadedFile] | staging.StagedUploads


def badge_for(user: User) -> str:
    """Staff (managers, admins) and support agents get a badge on their posts."""
    if not user.is_staff:
        return AuthorBadge.NONE
    if user.is_superuser or user.groups.filter(name=MANAGERS).exists():
        return AuthorBadge.STAFF
    return AuthorBadge.AGENT


def needs_approval(board: Board, user: User, profile: ForumProfile) -> bool:
    return board.requires_approval and not user.is_staff and profile.trust == Trust.NEW


def render(body: str) -> tuple[str, dict[str, User]]:
    """The post's HTML and the members it mentions (by handle)."""
    mentioned = profiles.users_for_handles(text.mentioned_handles(body))
    html = text.render_post(body, mention_urls={h: profiles.profile_url(h) for h in mentioned})
    return html, mentioned


def _content_errors(
    *, user: User, profile: ForumProfile, body: str, files: Sequence[UploadedFile], title: str | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if title is not None and (problems := text.title_errors(title)):
        errors["title"] = problems
    if problems := text.body_errors(body) or limits.check_links(user, profile, body):
        errors["body"] = problems
    if problems := [m for error in forum_files.upload_errors(files) for m in error.messages]:
        errors["attachments"] = problems
    return errors


@transaction.atomic
def create_topic(
    *,
    board: Board,
    author: User,
    title: str,
    body: str,
    tags: Iterable[Tag] = (),
    attachments: Attachments = (),
    now: datetime | None = None,
) -> Topic:
    """Start a topic; refused per field (title, body, tags, attachments) or for a rate limit."""
    now = resolve_now(now)
    if not permissions.can_start_topic(author, board):
        raise ValidationError(_("You cannot start topics on this board."), code="forbidden")
    title, body, tags = (title or "").strip(), (body or "").strip(), list(tags)
    profile = profiles.ensure_profile(author, now=now)
    with staging.opened(attachments) as files:
        errors = _content_errors(user=author, profile=profile, body=body, files=files, title=title)
        if len(tags) > MAX_TAGS:
            errors["tags"] = [_("Choose at most %(max)d tags.") % {"max": MAX_TAGS}]
        if errors:
            raise ValidationError(errors)
        limits.reserve(user=author, profile=profile, action=limits.Action.TOPIC, now=now)
        pending = needs_approval(board, author, profile)
        topic = Topic(
            board=board,
            title=title,
            author=author,
            state=TopicState.PENDING if pending else TopicState.VISIBLE,
            created_at=now,
            last_activity_at=now,
            last_poster=author,
            highest_number=1,
        )
        topic.full_clean()
        topic.save()
        if tags:
            topic.tags.set(tags)
        html, mentioned = render(body)
        post = Post(
            topic=topic,
            number=1,
            author=author,
            author_badge=badge_for(author),
            body_md=body,
            body_html=html,
            state=PostState.PENDING if pending else PostState.VISIBLE,
            created_at=now,
        )
        post.full_clean()
        post.save()
        for upload in files:
            forum_files.store(post=post, upload=upload, now=now)
        # The author follows their own topic: answers to a question are what they wait for.
        subscriptions.follow_topic(user=author, topic=topic, now=now)
        if not pending:
            became_visible(post, profile=profile, mentioned=mentioned, now=now)
        limits.record(user=author, profile=profile, action=limits.Action.TOPIC, now=now)
    return topic


@transaction.atomic
def create_reply(
    *,
    topic: Topic,
    author: User,
    body: str,
    quote_of: Post | None = None,
    attachments: Attachments = (),
    source_ticket: Ticket | None = None,
    now: datetime | None = None,
) -> Post:
    """Reply in a topic, optionally quoting one of its posts."""
    now = resolve_now(now)
    topic = Topic.objects.select_for_update().select_related("board").get(pk=topic.pk)
    if topic.is_locked and not author.is_staff:
        raise ValidationError(_("This topic is locked: it takes no more replies."), code="locked")
    if not permissions.can_reply(author, topic):
        raise ValidationError(_("You cannot reply to this topic."), code="forbidden")
    body = (body or "").strip()
    if quote_of is not None and (
        quote_of.topic_id != topic.pk or not permissions.can_see_post_body(author, quote_of)
    ):
        raise ValidationError(_("The post you quote is not in this topic."))
    profile = profiles.ensure_profile(author, now=now)
    with staging.opened(attachments) as files:
        errors = _content_errors(user=author, profile=profile, body=body, files=files)
        if errors:
            raise ValidationError(errors)
        limits.reserve(user=author, profile=profile, action=limits.Action.REPLY, now=now)
        pending = needs_approval(topic.board, author, profile)
        html, mentioned = render(body)
        number = topic.highest_number + 1
        post = Post(
            topic=topic,
            number=number,
            author=author,
            author_badge=badge_for(author),
            body_md=body,
            body_html=html,
            state=PostState.PENDING if pending else PostState.VISIBLE,
            quote_of=quote_of,
            source_ticket=source_ticket,
            created_at=now,
        )
        post.full_clean(validate_unique=False)
        post.save()
        for upload in files:
            forum_files.store(post=post, upload=upload, now=now)
        topic.highest_number = number
        topic.save(update_fields=["highest_number"])
        if not pending:
            became_visible(post, profile=profile, mentioned=mentioned, now=now)
        limits.record(user=author, profile=profile, action=limits.Action.REPLY, now=now)
    return post


def became_visible(
    post: Post,
    *,
    profile: ForumProfile | None = None,
    mentioned: dict[str, User] | None = None,
    now: datetime,
) -> None:
    """What a post that others can now read sets off: counters, search, followers' mail.

    Called when a post is written, or later when a moderator approves it.
    """
    topic = post.topic
    board_changes = {"post_count": F("post_count") + 1, "last_activity_at": now}
    if post.number == 1:
        board_changes["topic_count"] = F("topic_count") + 1
    else:
        Topic.objects.filter(pk=topic.pk).update(
            reply_count=F("reply_count") + 1, last_activity_at=now, last_poster=post.author
        )
        topic.refresh_from_db(fields=["reply_count", "last_activity_at", "last_poster"])
    Board.objects.filter(pk=topic.board_id).update(**board_changes)
    profile = profile or profiles.ensure_profile(post.author, now=now)
    profiles.count_visible_post(profile, user=post.author, now=now)
    if mentioned is None:
        mentioned = profiles.users_for_handles(text.mentioned_handles(post.body_md))
    indexing.index_topic(topic)
    digests.notify_post(post=post, mentioned=list(mentioned.values()), now=now)


@transaction.atomic
def edit_post(
    *,
    post: Post,
    editor: User,
    body: str,
    title: str | None = None,
    tags: Iterable[Tag] | None = None,
    now: datetime | None = None,
) -> Post:
    """Change a post (and, for the question, the topic's title and tags).

    The version replaced is kept as a revision and the post marked edited, except when the
    author edits within GRACE of posting and nobody has edited it before.
    """
    now = resolve_now(now)
    post = Post.objects.select_for_update().select_related("topic", "topic__board").get(pk=post.pk)
    topic = post.topic
    if not permissions.can_edit_post(editor, post):
        raise ValidationError(_("You cannot edit this post."), code="forbidden")
    body = (body or "").strip()
    if title is not None:
        title = title.strip()
    if not post.is_question:
        title, tags = None, None
    profile = profiles.ensure_profile(editor, now=now)
    errors = _content_errors(user=editor, profile=profile, body=body, files=(), title=title)
    tags = list(tags) if tags is not None else None
    if tags is not None and len(tags) > MAX_TAGS:
        errors["tags"] = [_("Choose at most %(max)d tags.") % {"max": MAX_TAGS}]
    if errors:
        raise ValidationError(errors)
    title_changed = title is not None and title != topic.title
    if body == post.body_md and not title_changed:
        if tags is not None:
            topic.tags.set(tags)
            indexing.index_topic(topic)
        return post
    in_grace = editor.pk == post.author_id and post.revision_count == 0 and now - post.created_at <= GRACE
    if not in_grace:
        PostRevision.objects.create(
            post=post,
            number=post.revision_count + 1,
            title=topic.title if title_changed else "",
            body_md=post.body_md,
            editor=editor,
            created_at=now,
        )
        post.revision_count += 1
        post.edited_at = now
    _html, before = render(post.body_md)
    post.body_md = body
    post.body_html, mentioned = render(body)
    post.save(update_fields=["body_md", "body_html", "revision_count", "edited_at"])
    if title_changed:
        topic.title = title
        topic.save(update_fields=["title"])
    if tags is not None:
        topic.tags.set(tags)
    indexing.index_topic(topic)
    # Only members mentioned for the first time hear about it; an edit does not re-notify.
    added = [user for handle, user in mentioned.items() if handle not in before]
    if added and post.state == PostState.VISIBLE:
        digests.notify_post(post=post, mentioned=added, now=now, mentions_only=True)
    return post


__all__ = ["GRACE", "badge_for", "became_visible", "create_reply", "create_topic", "edit_post", "render"]
