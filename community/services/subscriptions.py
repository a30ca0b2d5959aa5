"""Following topics and boards, and the signed unsubscribe links in forum mail.

An unsubscribe link must work from a mail client without signing in, so it carries a
token signed with the site's secret: it names one member and what they stop (a topic, a
board, or all forum mail) and cannot be forged or pointed at someone else.
"""

from datetime import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import User

from ..models import Board, ForumProfile, Subscription, Topic
from .profiles import ensure_profile

SALT = "community.unsubscribe"


def follow_topic(*, user: User, topic: Topic, now: datetime | None = None) -> Subscription:
    return _follow(user=user, topic=topic, board=None, now=now)


def follow_board(*, user: User, board: Board, now: datetime | None = None) -> Subscription:
    return _follow(user=user, topic=None, board=board, now=now)


def _follow(*, user: User, topic: Topic | None, board: Board | None, now: datetime | None) -> Subscription:
    now = resolve_now(now)
    lookup = {"user": user, "topic": topic, "board": board}
    existing = Subscription.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Subscription.objects.create(**lookup, created_at=now)
    except IntegrityError:  # a double click raced us
        return Subscription.objects.get(**lookup)


def unfollow_topic(*, user: User, topic: Topic) -> bool:
    return Subscription.objects.filter(user=user, topic=topic).delete()[0] > 0


def unfollow_board(*, user: User, board: Board) -> bool:
    return Subscription.objects.filter(user=user, board=board).delete()[0] > 0


def unsubscribe_token(*, user: User, topic: Topic | None = None, board: Board | None = None) -> str:
    """A token for one member to stop one topic, one board, or (neither given) all forum mail."""
    payload: dict[str, int] = {"u": user.pk}
    if topic is not None:
        payload["t"] = topic.pk
    elif board is not None:
        payload["b"] = board.pk
    return signing.dumps(payload, salt=SALT, compress=True)


def read_token(token: str) -> dict:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise ValidationError(_("This unsubscribe link is not valid."), code="bad_token") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise ValidationError(_("This unsubscribe link is not valid."), code="bad_token")
    return payload


@transaction.atomic
def unsubscribe(*, token: str, now: datetime | None = None) -> str:
    """Do what the token says; returns what stopped, in words for the confirmation page."""
    now = resolve_now(now)
    payload = read_token(token)
    user = User.objects.filter(pk=payload["u"]).first()
    if user is None:
        raise ValidationError(_("This unsubscribe link is not valid."), code="bad_token")
    if "t" in payload:
        topic = Topic.objects.filter(pk=payload["t"]).first()
        if topic is not None:
            unfollow_topic(user=user, topic=topic)
            return _("You no longer follow “%(title)s”.") % {"title": topic.title}
        return _("You no longer follow that topic.")
    if "b" in payload:
        board = Board.objects.filter(pk=payload["b"]).first()
        if board is not None:
            unfollow_board(user=user, board=board)
            return _("You no longer follow the board “%(name)s”.") % {"name": board.name}
        return _("You no longer follow that board.")
    profile = ensure_profile(user, now=now)
    ForumProfile.objects.filter(pk=profile.pk).update(email_digests=False)
    return _("You will get no more forum mail. Following topics still shows them on your pages.")
