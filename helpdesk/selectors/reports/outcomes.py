"""Outcome reports: first-contact resolution, satisfaction, reopens and the backlog's age."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Case, Count, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from helpdesk.models import SatisfactionRating, Ticket

from .common import Period, Ratio, group_expression

FCR_REOPEN_WINDOW = timedelta(days=7)
# (key, label, upper age bound); the last bucket has none. Keys are stable CSV/CSS names.
BACKLOG_BUCKETS: tuple[tuple[str, str, timedelta | None], ...] = (
    ("under_1d", _("< 1 d"), timedelta(days=1)),
    ("1_3d", _("1–3 d"), timedelta(days=3)),
    ("3_7d", _("3–7 d"), timedelta(days=7)),
    ("7_30d", _("7–30 d"), timedelta(days=30)),
    ("over_30d", _("> 30 d"), None),
)


@dataclass(frozen=True)
class RatioRow:
    group: str | None
    ratio: Ratio


@dataclass(frozen=True)
class SatisfactionRow:
    group: str | None
    csat: Ratio  # ratings 4–5 of ratings given in the period
    response: Ratio  # rated of surveys sent in the period


@dataclass(frozen=True)
class BacklogRow:
    group: str | None
    buckets: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.buckets.values())


def first_contact_resolution(*, period: Period, group_by: str) -> list[RatioRow]:
    """Tickets resolved in the period with exactly one agent reply and not reopened within
    7 days, ÷ tickets resolved in the period. One grouped query.

    Approximation from the stored columns: a reopen clears resolved_at, so a ticket that is
    resolved now and has reopen_count > 0 was reopened before this resolution; only a reopen
    more than 7 days after resolved_at (last_reopened_at) keeps it first-contact. A ticket
    reopened and still open has no resolved_at and is not in the period's resolved set.
    """
    first_contact = Q(agent_reply_count=1) & (
        Q(reopen_count=0) | Q(last_reopened_at__gt=F("resolved_at") + FCR_REOPEN_WINDOW)
    )
    return _resolved_ratio(period=period, group_by=group_by, part=first_contact)


def reopen_rate(*, period: Period, group_by: str) -> list[RatioRow]:
    """Tickets resolved in the period that were reopened (reopen_count > 0) ÷ tickets resolved
    in the period. One grouped query.

    Approximation: a reopen clears resolved_at, so a ticket counts once it is resolved again;
    one reopened and still open drops out of the period until then.
    """
    return _resolved_ratio(period=period, group_by=group_by, part=Q(reopen_count__gt=0))


def _resolved_ratio(*, period: Period, group_by: str, part: Q) -> list[RatioRow]:
    # live(): a merged ticket was closed by the merge, never resolved (SlaOutcome.MERGED),
    # even if it had been resolved before; it is in neither part nor whole.
    rows = (
        Ticket.objects.live()
        .filter(period.contains("resolved_at"))
        .values(group=group_expression(group_by))
        .annotate(part=Count("pk", filter=part), whole=Count("pk"))
        .order_by()
    )
    return [RatioRow(group=row["group"], ratio=Ratio(row["part"], row["whole"])) for row in rows]


def satisfaction(*, period: Period, group_by: str) -> list[SatisfactionRow]:
    """CSAT = ratings 4–5 ÷ ratings given in the period; response rate = surveys sent in the
    period that were rated ÷ surveys sent in the period. One grouped query."""
    rated = period.contains("rated_at") & Q(score__isnull=False)
    surveyed = period.contains("surveyed_at")
    rows = (
        SatisfactionRating.objects.filter(rated | surveyed)
        .values(group=group_expression(group_by, prefix="ticket__"))
        .annotate(
            satisfied=Count("pk", filter=rated & Q(score__gte=4)),
            ratings=Count("pk", filter=rated),
            responded=Count("pk", filter=surveyed & Q(rated_at__isnull=False)),
            surveyed=Count("pk", filter=surveyed),
        )
        .order_by()
    )
    return [
        SatisfactionRow(
            group=row["group"],
            csat=Ratio(row["satisfied"], row["ratings"]),
            response=Ratio(row["responded"], row["surveyed"]),
        )
        for row in rows
    ]


def backlog_age(*, now: datetime, group_by: str) -> list[BacklogRow]:
    """Open tickets per group and age bucket (time since creation at `now`). One grouped query."""
    bucket = Case(
        *(
            When(created_at__gt=now - bound, then=Value(key))
            for key, _label, bound in BACKLOG_BUCKETS
            if bound
        ),
        default=Value(BACKLOG_BUCKETS[-1][0]),
    )
    rows = (
        Ticket.objects.live()
        .open()
        .values(group=group_expression(group_by), bucket=bucket)
        .annotate(count=Count("pk"))
        .order_by()
    )
    found: dict[str | None, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row["group"], {key: 0 for key, _label, _bound in BACKLOG_BUCKETS})[row["bucket"]] = (
            row["count"]
        )
    return [BacklogRow(group=key, buckets=buckets) for key, buckets in found.items()]
