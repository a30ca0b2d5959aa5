"""Forum identities: the @handle, created the first time a member takes part, and trust."""

import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse

from core.clock import resolve_now
from helpdesk.models import User

from ..models import ForumProfile, Trust

HANDLE_MAX = 24
# A member stops being "new" after this many visible posts, and not before their first day
# is over: enough to show they take part, few enough that nobody is held back for long.
PROMOTE_AFTER_POSTS = 5
PROMOTE_AFTER = timedelta(days=1)


def _handle_base(user: User) -> str:
    local = (user.email or "").split("@")[0].lower()
    base = re.sub(r"[^a-z0-9_.-]+", "", local).strip(".-")[:HANDLE_MAX]
    return base or "member"


def ensure_profile(user: User, *, now: datetime | None = None) -> ForumProfile:
    """The member's profile, made with a free handle derived from their e-mail address."""
    profile = ForumProfile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    now = resolve_now(now)
    base = _handle_base(user)
    taken = set(ForumProfile.objects.filter(handle__startswith=base).values_list("handle", flat=True))
    handle, n = base, 1
    while handle in taken:
        n += 1
        handle = f"{base[: HANDLE_MAX - len(str(n))]}{n}"
    trust = Trust.MEMBER if user.is_staff else Trust.NEW
    try:
        with transaction.atomic():
            return ForumProfile.objects.create(user=user, handle=handle, trust=trust, created_at=now)
    except IntegrityError:  # a second request made it (or took the handle) first
        existing = ForumProfile.objects.filter(user=user).first()
        if existing is None:
            raise
        return existing


def profile_url(handle: str) -> str:
    return reverse("community:member", kwargs={"handle": handle})


def users_for_handles(handles: list[str]) -> dict[str, User]:
    """Members by handle; an unknown handle names nobody."""
    if not handles:
        return {}
    rows = ForumProfile.objects.filter(handle__in=handles, user__is_active=True).select_related("user")
    return {row.handle: row.user for row in rows}


def count_visible_post(profile: ForumProfile, *, user: User, now: datetime) -> None:
    """One more visible post; promote a new member who has now taken part enough."""
    profile.post_count += 1
    fields = ["post_count"]
    if (
        profile.trust == Trust.NEW
        and profile.post_count >= PROMOTE_AFTER_POSTS
        and now - user.date_joined >= PROMOTE_AFTER
    ):
        profile.trust = Trust.MEMBER
        fields.append("trust")
    profile.save(update_fields=fields)
