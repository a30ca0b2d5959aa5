"""Forum mail: one digest per member, one line per topic, however many replies arrived.

A reply does not send mail. It adds (or updates) a pending line for each follower of the
topic and each member it mentions; new topics do the same for the board's followers. The
first line of a burst sets when the digest is due (DIGEST_DELAY later), and a task sends
one mail with every pending line then, through the outbox. A burst of ten replies is one
line saying "10 new replies", not ten mails.

The task runs deferred on the database task backend (the embedded worker supports it);
`manage.py send_forum_digests` does the same for schedulers and backends that cannot defer.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.clock import resolve_now
from helpdesk.models import EmailKind, User
from helpdesk.services.notifications import language_of
from helpdesk.services.outbox import queue_email

from .. import permissions
from ..models import Audience, DigestItem, NoticeReason, Post, Subscription, TopicState
from .subscriptions import unsubscribe_token

logger = logging.getLogger(__name__)

DIGEST_DELAY = timedelta(minutes=10)
BATCH = 200
STRENGTH = {NoticeReason.NEW_TOPIC: 0, NoticeReason.REPLY: 1, NoticeReason.MENTION: 2}


def _recipients(post: Post, mentioned: list[User], *, mentions_only: bool) -> dict[int, str]:
    topic = post.topic
    reasons: dict[int, str] = {}
    if not mentions_only:
        if post.number == 1:
            followers = Subscription.objects.filter(board_id=topic.board_id).values_list("user_id", flat=True)
            reasons.update(dict.fromkeys(followers, NoticeReason.NEW_TOPIC))
        else:
            followers = Subscription.objects.filter(topic=topic).values_list("user_id", flat=True)
            reasons.update(dict.fromkeys(followers, NoticeReason.REPLY))
            if post.quote_of_id and post.quote_of.author_id:
                reasons[post.quote_of.author_id] = NoticeReason.REPLY
    for user in mentioned:
        reasons[user.pk] = NoticeReason.MENTION
    reasons.pop(post.author_id, None)
    if not reasons:
        return {}
    # Who may still read the board, and still wants forum mail (one query).
    allowed = User.objects.filter(pk__in=reasons, is_active=True).exclude(forum_profile__email_digests=False)
    if topic.board.read_audience == Audience.STAFF:
        allowed = allowed.filter(is_staff=True)
    keep = set(allowed.values_list("pk", flat=True))
    return {user_id: reason for user_id, reason in reasons.items() if user_id in keep}


def notify_post(
    *, post: Post, mentioned: list[User], now: datetime | None = None, mentions_only: bool = False
) -> int:
    """Add the post to the pending digest lines of everyone it concerns; returns how many."""
    now = resolve_now(now)
    reasons = _recipients(post, mentioned, mentions_only=mentions_only)
    if not reasons:
        return 0
    topic = post.topic
    pending = {
        item.user_id: item
        for item in DigestItem.objects.filter(topic=topic, user_id__in=reasons, sent_at__isnull=True)
    }
    fresh, changed = [], []
    for user_id, reason in reasons.items():
        item = pending.get(user_id)
        if item is None:
            fresh.append(
                DigestItem(
                    user_id=user_id,
                    topic=topic,
                    reason=reason,
                    last_post=post,
                    actor=post.author,
                    first_at=now,
                    due_at=now + DIGEST_DELAY,
                )
            )
            continue
        item.count += 1
        item.last_post, item.actor = post, post.author
        if STRENGTH[reason] > STRENGTH[NoticeReason(item.reason)]:
            item.reason = reason
        changed.append(item)
    DigestItem.objects.bulk_create(fresh)
    if changed:
        DigestItem.objects.bulk_update(changed, ["count", "last_post", "actor", "reason"])
    if fresh:
        due = now + DIGEST_DELAY
        transaction.on_commit(lambda: _schedule(due))
    return len(reasons)


def _schedule(due: datetime) -> None:
    from community.tasks import send_forum_digests  # tasks import the services

    try:
        if send_forum_digests.get_backend().supports_defer:
            send_forum_digests.using(run_after=due).enqueue()
    except Exception:  # the command (or the next deferred run) picks the lines up anyway
        logger.exception("could not schedule the forum digest")


def send_due_digests(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Send every member with a due line their digest; returns how many mails were queued."""
    now = resolve_now(now)
    user_ids = list(
        DigestItem.objects.filter(sent_at__isnull=True, due_at__lte=now)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()[:limit]
    )
    return sum(1 for user_id in user_ids if _send_digest(user_id, now=now))


@transaction.atomic
def _send_digest(user_id: int, *, now: datetime) -> bool:
    # Lock the member's pending lines: two workers never send the same lines twice.
    items = list(
        DigestItem.objects.select_for_update(of=("self",))
        .filter(user_id=user_id, sent_at__isnull=True)
        .select_related("user", "topic", "topic__board", "last_post", "actor")
        .order_by("first_at", "pk")
    )
    if not items:
        return False
    DigestItem.objects.filter(pk__in=[item.pk for item in items]).update(sent_at=now)
    user = items[0].user
    lines = [
        item
        for item in items
        if item.topic.state == TopicState.VISIBLE and permissions.can_read_topic(user, item.topic)
    ]
    if not lines or not user.is_active:
        return False
    profile = getattr(user, "customer_profile", None)
    if profile is not None and not profile.mail_forum_digest:
        return False  # switched off in the portal profile: the lines are marked done, unsent
    followed = set(
        Subscription.objects.filter(user=user, topic__in=[item.topic for item in lines]).values_list(
            "topic_id", flat=True
        )
    )
    base = settings.PORTAL_BASE_URL
    rows = []
    for item in lines:
        post = item.last_post
        url = base + (post.get_absolute_url() if post else item.topic.get_absolute_url())
        stop = None
        if item.topic_id in followed:
            stop = base + reverse(
                "community:unsubscribe", kwargs={"token": unsubscribe_token(user=user, topic=item.topic)}
            )
        elif item.reason == NoticeReason.NEW_TOPIC:
            stop = base + reverse(
                "community:unsubscribe",
                kwargs={"token": unsubscribe_token(user=user, board=item.topic.board)},
            )
        rows.append({"item": item, "url": url, "stop_url": stop})
    stop_all = base + reverse("community:unsubscribe", kwargs={"token": unsubscribe_token(user=user)})
    with translation.override(language_of(user)):
        rendered = render_to_string(
            "community/email/forum_digest.txt", {"user": user, "rows": rows, "stop_all_url": stop_all}
        )
    subject, _, body = rendered.strip().partition("\n")
    queue_email(
        to=[user.email],
        subject=subject.strip(),
        body=body.strip() + "\n",
        kind=EmailKind.FORUM_DIGEST,
        headers={"List-Unsubscribe": f"<{stop_all}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        now=now,
    )
    return True


__all__ = ["DIGEST_DELAY", "notify_post", "send_due_digests"]
