"""A new plugin version reaches the customers still on an older one, who asked to hear of it.

Digest-style: publishing a release note schedules one run a little later; each run sends each
subscriber one mail listing every release note published since their last digest that is
newer than their organization's version. The stamp on the profile is written in the same
transaction as the outbox row, so nobody hears of a release twice.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from core.clock import resolve_now
from helpdesk.models import CustomerProfile, EmailKind
from helpdesk.services.outbox import queue_email
from helpdesk.versioning import is_older, version_key
from knowledgebase.models import Article, Kind, Visibility

logger = logging.getLogger(__name__)

DIGEST_DELAY = timedelta(minutes=15)


def schedule_digest(*, now: datetime | None = None) -> None:
    """After commit, queue a digest run DIGEST_DELAY from now (more releases meanwhile join it)."""
    due = resolve_now(now) + DIGEST_DELAY

    def enqueue() -> None:
        from knowledgebase.tasks import send_release_digests

        try:
            send_release_digests.using(run_after=due).enqueue()
        except Exception:  # the management command catches up; publishing must not fail
            logger.exception("could not schedule the release digest")

    transaction.on_commit(enqueue)


def _language(profile: CustomerProfile) -> str:
    language = profile.language or settings.LANGUAGE_CODE
    return "zh-hans" if language.lower().startswith("zh") else "en"


def send_release_digests(*, now: datetime | None = None) -> int:
    """Queue the due digests; returns how many mails were queued."""
    now = resolve_now(now)
    notes = list(
        Article.objects.live(now=now)
        .filter(kind=Kind.RELEASE_NOTE, visibility__in=[Visibility.PUBLIC, Visibility.CUSTOMERS])
        .select_related("release_version")
        .only("title", "slug", "summary", "published_at", "release_version__version")
    )
    if not notes:
        return 0
    oldest = min(note.published_at for note in notes)
    profiles = list(
        CustomerProfile.objects.filter(notify_releases=True, user__is_active=True)
        .exclude(releases_notified_at__gte=max(note.published_at for note in notes))
        .exclude(organization__plugin_version="")
        .select_related("user", "organization")
    )
    sent = 0
    with transaction.atomic():
        for profile in profiles:
            version = profile.organization.plugin_version
            if version_key(version) is None:
                continue
            since = profile.releases_notified_at or oldest
            fresh = [
                note
                for note in notes
                if note.published_at > since and is_older(version, note.release_version.version)
            ]
            if not fresh:
                continue
            fresh.sort(key=lambda note: version_key(note.release_version.version), reverse=True)
            with translation.override(_language(profile)):
                text = render_to_string(
                    "knowledgebase/email/release_digest.txt",
                    {"notes": fresh, "version": version, "portal_url": settings.PORTAL_BASE_URL},
                )
            subject, _sep, body = text.strip().partition("\n")
            queue_email(
                to=[profile.user.email],
                subject=subject.strip(),
                body=body.strip() + "\n",
                kind=EmailKind.RELEASE_DIGEST,
                now=now,
            )
            profile.releases_notified_at = now
            sent += 1
        CustomerProfile.objects.bulk_update(
            [p for p in profiles if p.releases_notified_at == now], ["releases_notified_at"]
        )
    return sent
