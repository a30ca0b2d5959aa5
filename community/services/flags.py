"""Members flag posts that do not belong; enough flags from different members hide a post.

Discourse hides a post once flags from several members add up and leaves the verdict to
staff; here AUTO_HIDE_FLAGS open flags from different members hide it (the flag rule in
the moderation log), and the flag queue in the admin settles it either way.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import User

from .. import permissions
from ..models import Flag, FlagReason, FlagState, HiddenReason, ModerationAction, Post, PostState
from . import moderation

AUTO_HIDE_FLAGS = 3


@transaction.atomic
def flag_post(*, post: Post, user: User, reason: str, note: str = "", now: datetime | None = None) -> Flag:
    now = resolve_now(now)
    if not user.is_authenticated:
        raise ValidationError(_("Sign in to flag a post."), code="forbidden")
    if not permissions.can_read_topic(user, post.topic) or post.state == PostState.PENDING:
        raise ValidationError(_("You cannot flag this post."), code="forbidden")
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot flag your own post."), code="own_post")
    if reason not in FlagReason.values:
        raise ValidationError({"reason": [_("Choose why the post does not belong here.")]})
    note = (note or "").strip()
    if reason == FlagReason.OTHER and not note:
        raise ValidationError({"note": [_("Tell the moderators what is wrong with the post.")]})
    try:
        with transaction.atomic():
            flag = Flag.objects.create(post=post, user=user, reason=reason, note=note[:500], created_at=now)
    except IntegrityError:
        raise ValidationError(_("You have already flagged this post."), code="duplicate") from None
    open_flags = Flag.objects.filter(post=post, state=FlagState.OPEN).count()
    Post.objects.filter(pk=post.pk).update(flag_count=open_flags)
    if open_flags >= AUTO_HIDE_FLAGS and post.state == PostState.VISIBLE:
        moderation.hide_post(
            post=post,
            actor=None,
            reason=HiddenReason.FLAGS,
            note=_("%(count)d members flagged it.") % {"count": open_flags},
            now=now,
        )
    return flag


@transaction.atomic
def agree_with_flags(*, post: Post, actor: User, now: datetime | None = None) -> Post:
    """Staff agree the post does not belong: it stays (or becomes) hidden, the flags close."""
    now = resolve_now(now)
    moderation.require_staff(actor)
    count = Flag.objects.filter(post=post, state=FlagState.OPEN).update(
        state=FlagState.AGREED, resolved_by=actor, resolved_at=now
    )
    Post.objects.filter(pk=post.pk).update(flag_count=0)
    post.refresh_from_db()
    if post.state != PostState.HIDDEN:
        moderation.hide_post(post=post, actor=actor, reason=HiddenReason.STAFF, now=now)
    moderation.log(
        action=ModerationAction.AGREE_FLAGS, actor=actor, post=post, data={"flags": count}, now=now
    )
    return post


@transaction.atomic
def dismiss_flags(*, post: Post, actor: User, now: datetime | None = None) -> Post:
    """Staff find nothing wrong: the flags close and a post the flags hid comes back."""
    now = resolve_now(now)
    moderation.require_staff(actor)
    count = Flag.objects.filter(post=post, state=FlagState.OPEN).update(
        state=FlagState.DISMISSED, resolved_by=actor, resolved_at=now
    )
    Post.objects.filter(pk=post.pk).update(flag_count=0)
    post.refresh_from_db()
    moderation.log(
        action=ModerationAction.DISMISS_FLAGS, actor=actor, post=post, data={"flags": count}, now=now
    )
    if post.state == PostState.HIDDEN and post.hidden_reason == HiddenReason.FLAGS:
        moderation.unhide_post(post=post, actor=actor, now=now)
    return post
