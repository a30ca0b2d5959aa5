"""The small, rarely edited rows every submission needs, cached per process.

Opening a ticket reads the teams (with their categories) to route it, the category, the
organization's SLA plan and its targets, and the plan's calendar. They are a few dozen rows
that change when a manager edits them, while tickets arrive many times a second: reading
them from the database for each ticket was a third of a submission's queries.

Each process keeps one `ReferenceData` and checks, once per use, a version number kept in
Django's cache framework (the database cache in the embedded set-up, Redis when scaled
out), so an edit in one process is seen by every other one at its next submission. Any save
or delete of a team, category, plan, target or calendar (and a team's categories changing)
bumps the version (`helpdesk.signals`); `touch_calendar` bumps it too. As a last resort a
copy older than `MAX_AGE_SECONDS` is rebuilt anyway (an edit made with `QuerySet.update()`,
which sends no signal).
"""

import threading
import time
from dataclasses import dataclass, field

from django.core.cache import cache

from helpdesk.models import Category, SLAPlan, SLATarget, Team
from helpdesk.sla import business_time
from helpdesk.sla.calendars import load_calendar

VERSION_KEY = "helpdesk:reference-data:version"
MAX_AGE_SECONDS = 300.0


@dataclass
class ReferenceData:
    """Teams, categories, plans and targets as they were at `version`."""

    version: int
    built_at: float
    teams: list[Team]
    categories: dict[int, Category]
    plans: dict[int, SLAPlan]
    targets: dict[tuple[int, str, str], SLATarget]
    _calendars: dict[int, business_time.BusinessCalendar] = field(default_factory=dict)

    def target(self, *, plan_id: int, priority: str, complexity: str) -> SLATarget | None:
        """The plan's target for this priority and complexity, else its catch-all row."""
        return self.targets.get((plan_id, priority, complexity)) or self.targets.get((plan_id, priority, ""))

    def calendar(self, calendar_id: int) -> business_time.BusinessCalendar:
        """The plan's calendar: read through the process's calendar cache (shared with the
        SLA watcher and the lists) once per version, then held here."""
        found = self._calendars.get(calendar_id)
        if found is None:
            found = self._calendars[calendar_id] = load_calendar(calendar_id)
        return found


_current: ReferenceData | None = None
_lock = threading.Lock()


def current_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None) or 1


def bump_version(**kwargs) -> None:
    """Tell every process its reference data is stale (after an edit; also a signal receiver)."""
    cache.add(VERSION_KEY, 1, timeout=None)
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # evicted between the two calls: a fresh number still differs
        cache.set(VERSION_KEY, 1_000_000 + int(time.monotonic()), timeout=None)
    clear()


def connect_signals() -> None:
    """Bump the version whenever a row this cache holds changes (called from AppConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from helpdesk.models import BusinessCalendar, BusinessHours, CalendarOverride

    for model in (Team, Category, SLAPlan, SLATarget, BusinessCalendar, BusinessHours, CalendarOverride):
        for signal in (post_save, post_delete):
            signal.connect(bump_version, sender=model, dispatch_uid=f"reference:{signal}:{model.__name__}")
    m2m_changed.connect(
        bump_version, sender=Team.categories.through, dispatch_uid="reference:team-categories"
    )


def reference_data() -> ReferenceData:
    """The current reference data: one cache read when fresh, five queries when rebuilt."""
    global _current
    version = current_version()
    data = _current
    if data is not None and data.version == version and time.monotonic() - data.built_at < MAX_AGE_SECONDS:
        return data
    data = _build(version)
    with _lock:
        _current = data
    return data


def _build(version: int) -> ReferenceData:
    categories = {c.pk: c for c in Category.objects.select_related("default_team")}
    teams = list(Team.objects.prefetch_related("categories").order_by("pk"))
    plans = {p.pk: p for p in SLAPlan.objects.all()}
    targets = {(t.plan_id, t.priority, t.complexity): t for t in SLATarget.objects.all()}
    return ReferenceData(
        version=version,
        built_at=time.monotonic(),
        teams=teams,
        categories=categories,
        plans=plans,
        targets=targets,
    )


def clear() -> None:
    """Forget this process's copy (tests: the database rolls back underneath it)."""
    global _current
    with _lock:
        _current = None
