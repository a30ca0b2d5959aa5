"""What every report selector shares: the period, the groupings and small value types."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone
from django.utils.translation import gettext as _

from core.translated import localized
from helpdesk.models import Priority, SLAPlan

# Report grouping -> lookup from Ticket. Keys are query-parameter values: never translated.
GROUPINGS: dict[str, str] = {
    "tier": "sla_plan__tier",
    "team": "team__name",
    "category": "category__name",
    "priority": "priority",
}
# Not a grouping users choose: everything in one group (the report's totals row).
OVERALL = "overall"
# Choice-backed groupings read as their labels and sort in the choices' order.
_CHOICE_GROUPINGS = {"tier": SLAPlan.Tier, "priority": Priority}


@dataclass(frozen=True)
class Period:
    """A half-open span [start, end) of aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if timezone.is_naive(self.start) or timezone.is_naive(self.end):
            raise ValueError("Period bounds must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("Period end must be after its start")

    def contains(self, field: str) -> Q:
        """The datetime column `field` (a lookup path such as "resolved_at") falls in the period.

        NULL never does, and stays out of the negation too (SQL's three-valued NOT).
        """
        moment = F(field)
        return Q(GreaterThanOrEqual(moment, self.start), LessThan(moment, self.end))


@dataclass(frozen=True)
class Ratio:
    """`part` of `whole`; `rate` is None when the whole is empty (no value, not 0)."""

    part: int
    whole: int

    @property
    def rate(self) -> float | None:
        return self.part / self.whole if self.whole else None


def group_path(group_by: str, *, prefix: str = "") -> str:
    """The lookup for `group_by` (KeyError for an unknown grouping), from Ticket or via `prefix`."""
    return prefix + GROUPINGS[group_by]


# Names with a value per language (helpdesk/translation.py): grouped in the reader's language.
_TRANSLATED_GROUPINGS = {"team", "category"}


def group_expression(group_by: str, *, prefix: str = "") -> F | Value | Coalesce:
    if group_by == OVERALL:
        return Value(None, output_field=CharField())
    if group_by in _TRANSLATED_GROUPINGS:
        return localized(group_path(group_by, prefix=prefix))
    return F(group_path(group_by, prefix=prefix))


def group_label(group_by: str, value: str | None) -> str:
    """How a group's stored value reads on the page and in the export."""
    if value is None or value == "":
        return _("(none)")
    choices = _CHOICE_GROUPINGS.get(group_by)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return str(value)


def group_sort_key(group_by: str, value: str | None) -> tuple:
    """Choices in their declared order, names alphabetically, the "(none)" group last."""
    if value is None:
        return (2, 0, "")
    choices = _CHOICE_GROUPINGS.get(group_by)
    if choices is not None and value in choices.values:
        return (0, choices.values.index(value), "")
    return (1, 0, str(value))
