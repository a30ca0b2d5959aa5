"""The training calendar."""

from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, QuerySet, Value

from core.clock import resolve_now
from knowledgebase.models import TrainingSession, TrainingSignup


def training_calendar(*, user, now: datetime | None = None, past_days: int = 90) -> QuerySet[TrainingSession]:
    """Sessions from `past_days` ago on, each with `taken` seats and whether `user` is signed up."""
    now = resolve_now(now)
    qs = (
        TrainingSession.objects.filter(starts_at__gte=now - timedelta(days=past_days))
        .select_related("recording")
        .annotate(taken=Count("signups"))
        .order_by("starts_at")
    )
    if user.is_authenticated:
        mine = TrainingSignup.objects.filter(session=OuterRef("pk"), user=user)
        return qs.annotate(is_mine=Exists(mine))
    return qs.annotate(is_mine=Value(False))


def access_session(*, pk: int) -> TrainingSession:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(TrainingSession, pk=pk)
