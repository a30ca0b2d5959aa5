"""Planned maintenance: saving a window, and the notice subscribers get before it starts."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.clock import resolve_now
from helpdesk.models import CustomerProfile, EmailKind, MaintenanceWindow, User
from helpdesk.selectors.maintenance import forget

from .outbox import queue_email

logger = logging.getLogger(__name__)

# Subscribers hear of a window this long before it starts (or at once when it is sooner).
NOTICE_LEAD = timedelta(hours=24)


def forget_cached() -> None:
    forget()  # this process at once (tests run inside one transaction)
    transaction.on_commit(forget)  # and again once the window is visible to every reader


def _schedule_notice(window: MaintenanceWindow, *, now: datetime) -> None:
    due = max(window.starts_at - NOTICE_LEAD, now)

    def enqueue() -> None:
        from helpdesk.tasks import send_maintenance_notices

        try:
            send_maintenance_notices.using(run_after=due).enqueue()
        except Exception:  # `manage.py send_maintenance_notices` catches up
            logger.exception("could not schedule the maintenance notice")

    transaction.on_commit(enqueue)


@transaction.atomic
def save_window(
    *, window: MaintenanceWindow, actor: User | None, now: datetime | None = None
) -> MaintenanceWindow:
    """Validate and save a window; an announced one schedules its notice to subscribers."""
    now = resolve_now(now)
    if window.created_by_id is None and actor is not None:
        window.created_by = actor
    window.full_clean()
    window.save()
    forget_cached()
    if window.is_published and window.notice_sent_at is None and window.ends_at > now:
        _schedule_notice(window, now=now)
    return window


def _language(profile: CustomerProfile) -> str:
    language = profile.language or settings.LANGUAGE_CODE
    return "zh-hans" if language.lower().startswith("zh") else "en"


def _render(window: MaintenanceWindow, profile: CustomerProfile) -> tuple[str, str]:
    zone = profile.effective_timezone
    with translation.override(_language(profile)), timezone.override(zone):
        text = render_to_string(
            "helpdesk/email/maintenance_notice.txt",
            {"window": window, "zone": zone, "portal_url": settings.PORTAL_BASE_URL},
        )
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def send_maintenance_notices(*, now: datetime | None = None) -> int:
    """Mail every subscriber about each window starting within NOTICE_LEAD; returns mails queued.

    The mails are rendered before the write transaction; the window is claimed inside it
    (a conditional update), so two runs at once send one notice each.
    """
    now = resolve_now(now)
    due = list(
        MaintenanceWindow.objects.filter(
            is_published=True, notice_sent_at__isnull=True, starts_at__lte=now + NOTICE_LEAD, ends_at__gt=now
        )
    )
    if not due:
        return 0
    profiles = list(
        CustomerProfile.objects.filter(notify_maintenance=True, user__is_active=True).select_related(
            "user", "organization"
        )
    )
    queued = 0
    for window in due:
        mails = [(profile.user.email, *_render(window, profile)) for profile in profiles]
        with transaction.atomic():
            claimed = MaintenanceWindow.objects.filter(pk=window.pk, notice_sent_at__isnull=True).update(
                notice_sent_at=now
            )
            if not claimed:
                continue
            for address, subject, body in mails:
                queue_email(
                    to=[address], subject=subject, body=body, kind=EmailKind.MAINTENANCE_NOTICE, now=now
                )
                queued += 1
    return queued
