"""Signing up for and cancelling training seats."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.clock import resolve_now
from knowledgebase.models import TrainingSession, TrainingSignup


@transaction.atomic
def sign_up(*, session: TrainingSession, user, now: datetime | None = None) -> TrainingSignup:
    """Take a seat; refuses a full, cancelled or past session. Signing up twice is a no-op."""
    now = resolve_now(now)
    # Lock the session row (PostgreSQL); SQLite's IMMEDIATE transactions already serialise writers.
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    existing = TrainingSignup.objects.filter(session=session, user=user).first()
    if existing is not None:
        return existing
    if session.is_cancelled:
        raise ValidationError(_("This session has been cancelled."))
    if session.starts_at <= now:
        raise ValidationError(_("This session has already started."))
    if session.signups.count() >= session.capacity:
        raise ValidationError(_("This session is full."))
    return TrainingSignup.objects.create(session=session, user=user, created_at=now)


@transaction.atomic
def cancel_signup(*, session: TrainingSession, user, now: datetime | None = None) -> bool:
    """Give the seat back; returns whether there was one."""
    now = resolve_now(now)
    if session.starts_at <= now:
        raise ValidationError(_("This session has already started."))
    deleted, _rows = TrainingSignup.objects.filter(session=session, user=user).delete()
    return deleted > 0
