"""Reads for the portal pages: the user's tickets, a conversation, support hours and plans."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from core.translated import languages_in_order
from helpdesk.models import (
    OPEN_STATUSES,
    Attachment,
    BusinessHours,
    SatisfactionRating,
    SLAPlan,
    SLATarget,
    Status,
    Team,
    Ticket,
    TicketMessage,
    User,
    Weekday,
)
from helpdesk.selectors import tickets as ticket_selectors
from helpdesk.selectors.tickets import visible_tickets
from helpdesk.sla import business_time
from helpdesk.sla.calendars import load_calendar
from portal.models import SubmissionAttempt

# Filter values of the ticket list; query parameter values are never translated.
STATUS_FILTERS = {
    "open": list(OPEN_STATUSES),
    "waiting": [Status.PENDING_CUSTOMER],
    "resolved": [Status.RESOLVED],
    "closed": [Status.CLOSED],
}


def customer_profile(user: User):
    return getattr(user, "customer_profile", None) if user.is_authenticated else None


# --- My tickets ----------------------------------------------------------------------------


def my_tickets(*, user: User, status: str = "", query: str = "", scope: str = "") -> QuerySet[Ticket]:
    """The tickets the user may see (an organization admin: the organization's, unless
    `scope` is "mine"), filtered by status group and a search over reference and text."""
    tickets = visible_tickets(user).live()
    if scope == "mine":
        tickets = tickets.filter(requester=user)
    if status in STATUS_FILTERS:
        tickets = tickets.filter(status__in=STATUS_FILTERS[status])
    query = query.strip()
    if query:
        pk = Ticket.pk_from_reference(query)
        text = Q(subject__icontains=query) | Q(symptoms__icontains=query) | Q(error_message__icontains=query)
        tickets = tickets.filter(text | Q(pk=pk) if pk else text)
    return tickets.select_related("category", "requester").order_by("-updated_at", "-pk")


def submitted_ticket(*, user: User, submission_key: uuid.UUID | None) -> Ticket | None:
    """The ticket this user already created with this key (a resubmitted form), if any."""
    if submission_key is None:
        return None
    return ticket_selectors.ticket_with_key(submission_key, requester=user)


# --- One ticket ----------------------------------------------------------------------------


def conversation(ticket: Ticket) -> list[TicketMessage]:
    """Public messages only (never internal notes), each with its public files."""
    return ticket_selectors.conversation(ticket, internal=False)


def ticket_files(ticket: Ticket) -> list[Attachment]:
    """Files sent with the request itself (not with a later message)."""
    return ticket_selectors.request_files(ticket, internal=False)


def pending_rating(ticket: Ticket) -> SatisfactionRating | None:
    """The survey of the latest resolution, if it still awaits a score."""
    return ticket.ratings.filter(rated_at__isnull=True).order_by("-surveyed_at").first()


def latest_rating(ticket: Ticket) -> SatisfactionRating | None:
    return ticket.ratings.filter(rated_at__isnull=False).order_by("-rated_at").first()


def rating_by_token(token: str) -> SatisfactionRating | None:
    return SatisfactionRating.objects.select_related("ticket").filter(token=token).first()


# --- Support hours -------------------------------------------------------------------------


@dataclass(frozen=True)
class Hours:
    """Whether one calendar is open at a moment, and when it opens next (UTC, or None)."""

    name: str
    timezone: str
    is_open: bool
    opens_at: datetime | None


def _hours(name: str, calendar_id: int, now: datetime) -> Hours:
    calendar = load_calendar(calendar_id)
    is_open = business_time.is_open(calendar, now)
    opens_at = None if is_open else business_time.next_open(calendar, now)
    return Hours(name=name, timezone=calendar.timezone, is_open=is_open, opens_at=opens_at)


@dataclass(frozen=True)
class SupportStatus:
    plan: SLAPlan
    plan_hours: Hours
    team_hours: Hours | None
    user_timezone: str


def likely_team(*, erp_system: str) -> Team | None:
    """The team a new request of this organization most likely reaches: one skilled in its
    ERP system, else the first team."""
    teams = list(Team.objects.select_related("calendar").order_by("pk"))
    for team in teams:
        if erp_system and erp_system in (team.erp_systems or []):
            return team
    return teams[0] if teams else None


def support_status(*, user: User, now: datetime) -> SupportStatus | None:
    """Is support open right now for the user's plan, and when does it open if not."""
    profile = customer_profile(user)
    if profile is None:
        return None
    organization = profile.organization
    plan = organization.sla_plan
    team = likely_team(erp_system=organization.default_erp_system)
    return SupportStatus(
        plan=plan,
        plan_hours=_hours(plan.name, plan.calendar_id, now),
        team_hours=_hours(team.name, team.calendar_id, now) if team else None,
        user_timezone=profile.effective_timezone,
    )


def arrival_hours(*, ticket: Ticket) -> Hours | None:
    """Whether the ticket arrived inside the hours of whoever answers it (its team, else its
    plan) and when they open if not.

    None when the plan's clock runs around the clock (Urgent): its promise is one hour, day or
    night, so "support opens Monday" would be untrue however the team is staffed.
    """
    if ticket.sla_calendar_id and business_time.is_24x7(load_calendar(ticket.sla_calendar_id)):
        return None
    if ticket.team_id:
        return _hours(ticket.team.name, ticket.team.calendar_id, ticket.created_at)
    if ticket.sla_calendar_id:
        return _hours(str(ticket.sla_plan or ""), ticket.sla_calendar_id, ticket.created_at)
    return None


# --- Plans ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanSummary:
    plan: SLAPlan
    hours: list[tuple[str, str]]  # (weekday label, "09:00–12:00, 13:00–18:00")
    timezone: str
    targets: list[SLATarget]
    is_current: bool


@dataclass(frozen=True)
class Promise:
    """The first-response promise applied to one ticket, for the confirmation's plain words."""

    plan_name: str
    minutes: int
    around_the_clock: bool
    week: list[tuple[str, str]]  # grouped: ("Monday – Friday", "09:00–12:00, 13:00–18:00")
    timezone: str


def first_response_promise(*, ticket: Ticket) -> Promise | None:
    """What the ticket's plan promised at submission (its snapshot, not today's plan)."""
    snap = ticket.sla_snapshot or {}
    if not snap or ticket.sla_calendar_id is None:
        return None
    calendar = load_calendar(ticket.sla_calendar_id)
    rows = BusinessHours.objects.filter(calendar_id=ticket.sla_calendar_id).order_by(
        "weekday", "start_minute"
    )
    return Promise(
        plan_name=_in_reader_language(snap.get("plan_names")) or snap.get("plan", ""),
        minutes=snap["first_response_minutes"],
        around_the_clock=business_time.is_24x7(calendar),
        week=_group_days(_week_in_words(list(rows))),
        timezone=calendar.timezone,
    )


def _in_reader_language(names: dict[str, str] | None) -> str:
    """A name snapshotted per language, in the reader's language (or the fallback's)."""
    names = names or {}
    return next((names[code] for code in languages_in_order() if names.get(code)), "")


def _group_days(days: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Runs of consecutive days with the same hours become one line: Monday – Friday."""
    groups: list[list] = []
    for label, spans in days:
        if groups and groups[-1][2] == spans:
            groups[-1][1] = label
        else:
            groups.append([label, label, spans])
    return [(first if first == last else f"{first} – {last}", spans) for first, last, spans in groups]


def _week_in_words(rows: list[BusinessHours]) -> list[tuple[str, str]]:
    by_day: dict[int, list[str]] = {}
    for row in rows:
        by_day.setdefault(row.weekday, []).append(
            "24h" if (row.start_minute, row.end_minute) == (0, 1440) else row.label
        )
    return [(str(Weekday(day).label), ", ".join(by_day[day])) for day in range(7) if day in by_day]


def plans_overview(*, user: User) -> list[PlanSummary]:
    """Every sold plan with its hours in words and first-response targets per priority."""
    profile = customer_profile(user)
    current = profile.organization.sla_plan_id if profile else None
    plans = SLAPlan.objects.select_related("calendar").prefetch_related(
        Prefetch("calendar__hours", queryset=BusinessHours.objects.order_by("weekday", "start_minute")),
        Prefetch("targets", queryset=SLATarget.objects.filter(complexity="").order_by("priority")),
    )
    return [
        PlanSummary(
            plan=plan,
            hours=_group_days(_week_in_words(list(plan.calendar.hours.all()))),
            timezone=plan.calendar.timezone,
            targets=list(plan.targets.all()),
            is_current=plan.pk == current,
        )
        for plan in plans.order_by("position", "name")
    ]


def deflection_rate(*, start: datetime, end: datetime) -> dict:
    """Deflection (docs/architecture.md): submissions abandoned after "this solved it" ÷ submissions
    started, over attempts started in [start, end). `rate` is None when none started."""
    counts = SubmissionAttempt.objects.filter(started_at__gte=start, started_at__lt=end).aggregate(
        started=Count("pk"),
        deflected=Count("pk", filter=Q(outcome=SubmissionAttempt.Outcome.DEFLECTED)),
    )
    started, deflected = counts["started"], counts["deflected"]
    return {"started": started, "deflected": deflected, "rate": deflected / started if started else None}
