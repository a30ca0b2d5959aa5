"""Rate limits for posting, per member and shared by every process.

Counters live in Django's cache, which is the database cache in the embedded setup (core
migration 0001 makes its table) and Redis when scaled out, so a limit holds whichever
gunicorn worker or host a request lands on. An in-process dict would give every worker its
own allowance.

New members (Discourse's trust level 0) get a few topics and replies on their first day, a
longer pause between posts and at most two links per post; members get generous limits
that only stop scripts; staff are never limited. With the database cache, the counter
writes join the posting transaction, so a refused or failed post costs nothing.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import ForumProfile, Trust
from . import text

DAY_SECONDS = 24 * 3600


class Action:
    TOPIC = "topic"
    REPLY = "reply"


@dataclass(frozen=True)
class Limits:
    topics_per_day: int
    replies_per_day: int
    interval_seconds: int
    max_links: int | None


NEW_MEMBER = Limits(topics_per_day=3, replies_per_day=10, interval_seconds=30, max_links=2)
MEMBER = Limits(topics_per_day=20, replies_per_day=200, interval_seconds=5, max_links=None)


def limits_for(user, profile: ForumProfile) -> Limits | None:
    if user.is_staff:
        return None
    return NEW_MEMBER if profile.trust == Trust.NEW else MEMBER


def check_links(user, profile: ForumProfile, body: str) -> list[str]:
    limits = limits_for(user, profile)
    if limits is None or limits.max_links is None:
        return []
    count = text.link_count(body)
    if count <= limits.max_links:
        return []
    return [
        ngettext(
            "New members can put at most %(limit)d link in a post; this one has %(count)d. "
            "Remove some: the limit lifts once you have taken part for a while.",
            "New members can put at most %(limit)d links in a post; this one has %(count)d. "
            "Remove some: the limit lifts once you have taken part for a while.",
            limits.max_links,
        )
        % {"limit": limits.max_links, "count": count}
    ]


def _day_key(user_id: int, action: str) -> str:
    return f"community:limit:{user_id}:{action}:day"


def _interval_key(user_id: int) -> str:
    return f"community:limit:{user_id}:interval"


def reserve(*, user, profile: ForumProfile, action: str, now: datetime) -> None:
    """Refuse a post over the member's limits (ValidationError); else hold the pause slot.

    The pause is taken with `cache.add`, which only one process can win, so two posts sent
    at once by one member never both pass.
    """
    limits = limits_for(user, profile)
    if limits is None:
        return
    per_day = limits.topics_per_day if action == Action.TOPIC else limits.replies_per_day
    window = cache.get(_day_key(user.pk, action))
    if window and window["count"] >= per_day:
        raise ValidationError(
            _day_message(profile, action, per_day, window["until"] - now.timestamp()), code="rate_limited"
        )
    if not cache.add(_interval_key(user.pk), now.timestamp(), timeout=limits.interval_seconds):
        since = cache.get(_interval_key(user.pk), now.timestamp())
        wait = max(1, math.ceil(limits.interval_seconds - (now.timestamp() - since)))
        raise ValidationError(
            ngettext(
                "You are posting quickly: please wait %(seconds)d second and send again. Your text is kept.",
                "You are posting quickly: please wait %(seconds)d seconds and send again. Your text is kept.",
                wait,
            )
            % {"seconds": wait},
            code="rate_limited",
        )


def record(*, user, profile: ForumProfile, action: str, now: datetime) -> None:
    """Count a post that went through against the member's day."""
    if limits_for(user, profile) is None:
        return
    key = _day_key(user.pk, action)
    window = cache.get(key)
    if not window or window["until"] <= now.timestamp():
        window = {"count": 0, "until": now.timestamp() + DAY_SECONDS}
    window["count"] += 1
    # Written with the time left in the window: the database cache's incr() would reset it.
    cache.set(key, window, timeout=max(1, math.ceil(window["until"] - now.timestamp())))


def _day_message(profile: ForumProfile, action: str, per_day: int, seconds_left: float) -> str:
    hours = max(1, math.ceil(seconds_left / 3600))
    if profile.trust == Trust.NEW:
        if action == Action.TOPIC:
            message = ngettext(
                "New members can start %(limit)d topic in their first day. You can start another in "
                "about %(hours)d hour(s); your text is kept below.",
                "New members can start %(limit)d topics in their first day. You can start another in "
                "about %(hours)d hour(s); your text is kept below.",
                per_day,
            )
        else:
            message = ngettext(
                "New members can write %(limit)d reply in their first day. You can reply again in "
                "about %(hours)d hour(s); your text is kept below.",
                "New members can write %(limit)d replies in their first day. You can reply again in "
                "about %(hours)d hour(s); your text is kept below.",
                per_day,
            )
    elif action == Action.TOPIC:
        message = _(
            "You have started %(limit)d topics today, the most anyone can. Try again in about "
            "%(hours)d hour(s); your text is kept below."
        )
    else:
        message = _(
            "You have written %(limit)d replies today, the most anyone can. Try again in about "
            "%(hours)d hour(s); your text is kept below."
        )
    return message % {"limit": per_day, "hours": hours}


def reset(*, user_id: int) -> None:
    """Forget a member's counters (staff lifting a limit by hand, the demo seed)."""
    cache.delete_many(
        [_interval_key(user_id), _day_key(user_id, Action.TOPIC), _day_key(user_id, Action.REPLY)]
    )
