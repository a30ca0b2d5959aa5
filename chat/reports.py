"""Live chat's figures on the managers' overview (registered as core.registry.report_cards).

An accepted chat is a ticket (channel chat), so its first response, resolution and CSAT are
already in every breakdown by channel. What only the chat session knows is whether anyone
answered at all: the customer may leave while still waiting. These figures are counted by
the chat's request (its `created_at`), so a chat belongs to the period in which it was
asked for, whatever happened to it later.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.utils.translation import gettext_lazy as _

from core.registry import ReportCards, ReportFigure

from .models import ChatSession

DEFINITIONS = (
    (
        _("Chats requested"),
        _(
            "Chats a customer started in the period and asked an agent for (not those solved by a "
            "suggestion before they began), counted in the period in which they were started."
        ),
    ),
    (
        _("Chats abandoned before an answer"),
        _(
            "Of the chats requested, those the customer left before any agent accepted them; "
            "abandonment rate = abandoned ÷ requested. A chat answered and then transferred counts as answered."
        ),
    ),
    (
        _("Median wait for an answer"),
        _(
            "From the start of a chat to its acceptance by an agent, in calendar time; nearest rank, over chats answered."
        ),
    ),
)


@dataclass(frozen=True)
class ChatMeasures:
    requested: int
    answered: int
    abandoned: int
    median_wait_seconds: float | None

    @property
    def abandonment_rate(self) -> float | None:
        return self.abandoned / self.requested if self.requested else None


def chat_measures(*, start: datetime, end: datetime, teams: frozenset[int] | None = None) -> ChatMeasures:
    """Chats requested in [start, end) for `teams` (None: all): two queries, one of them the
    answered chats' waits (one column) for the nearest-rank median."""
    chats = ChatSession.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
        status=ChatSession.Status.DEFLECTED
    )
    if teams is not None:
        chats = chats.filter(team_id__in=teams)
    answered = Q(accepted_at__isnull=False)
    counts = chats.aggregate(
        requested=Count("pk"),
        answered=Count("pk", filter=answered),
        abandoned=Count("pk", filter=Q(status=ChatSession.Status.ABANDONED, accepted_at__isnull=True)),
    )
    waits = list(
        chats.filter(answered)
        .annotate(wait=ExpressionWrapper(F("accepted_at") - F("created_at"), output_field=DurationField()))
        .order_by("wait")
        .values_list("wait", flat=True)
    )
    median = waits[(len(waits) * 50 + 99) // 100 - 1].total_seconds() if waits else None
    return ChatMeasures(
        requested=counts["requested"],
        answered=counts["answered"],
        abandoned=counts["abandoned"],
        median_wait_seconds=median,
    )


def chat_figures(
    *, start: datetime, end: datetime, teams: frozenset[int] | None = None
) -> list[ReportFigure]:
    m = chat_measures(start=start, end=end, teams=teams)
    return [
        ReportFigure(_("Chats requested"), m.requested),
        ReportFigure(_("Chats answered"), m.answered, better="up"),
        ReportFigure(_("Abandoned before an answer"), m.abandoned, better="down"),
        ReportFigure(_("Abandonment rate"), m.abandonment_rate, unit="rate", better="down"),
        ReportFigure(_("Median wait for an answer"), m.median_wait_seconds, unit="seconds", better="down"),
    ]


CHAT_CARDS = ReportCards(key="chat", title=_("Live chat"), figures=chat_figures, definitions=DEFINITIONS)
