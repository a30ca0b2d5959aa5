"""Who may read the dashboards, and which period they read: presets in the viewer's time
zone, a custom range, and the export response for a table."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.roles import AGENTS
from helpdesk.selectors.reports import (
    EVERYONE,
    Period,
    Scope,
)

from .report_exports import Table, csv_response, xlsx_response

PERMISSION = "helpdesk.view_reports"
MAX_DAYS = 366
PRESETS = [
    ("today", gettext_lazy("Today")),
    ("7d", gettext_lazy("Last 7 days")),
    ("30d", gettext_lazy("Last 30 days")),
    ("this_month", gettext_lazy("This month")),
    ("last_month", gettext_lazy("Last month")),
    ("this_quarter", gettext_lazy("This quarter")),
    ("90d", gettext_lazy("Last 90 days")),
    ("custom", gettext_lazy("Custom")),
]
# --- who sees what ------------------------------------------------------------------------------


def report_scope(user) -> Scope:
    """Managers see everything; an agent sees the teams they belong to; anyone else nothing."""
    if user.has_perm(PERMISSION):
        return EVERYONE
    if user.is_staff and user.groups.filter(name=AGENTS).exists():
        teams = frozenset(user.teams.values_list("pk", flat=True))
        if teams:
            return Scope(teams=teams)
    raise PermissionDenied


# --- the period -------------------------------------------------------------------------------


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def preset_days(preset: str, today: date) -> tuple[date, date]:
    """First and last day (inclusive) of a preset, in the viewer's calendar."""
    if preset == "today":
        return today, today
    if preset in ("7d", "30d", "90d"):
        return today - timedelta(days=int(preset[:-1]) - 1), today
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "this_quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    raise ValueError(preset)


class PeriodForm(forms.Form):
    preset = forms.ChoiceField(label=gettext_lazy("Period"), choices=PRESETS, required=False, initial="30d")
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        preset = data.get("preset") or "30d"
        if preset == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Choose both dates of a custom period."))
            if end < start:
                raise forms.ValidationError(_("The end date must not be before the start date."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(
                    _("Choose a period of at most %(days)d days.") % {"days": MAX_DAYS}
                )
        else:
            start, end = preset_days(preset, self.today)
        data.update(preset=preset, first=start, last=end)
        return data

    def period(self) -> Period:
        return Period(
            start=_midnight(self.cleaned_data["first"]),
            end=_midnight(self.cleaned_data["last"] + timedelta(days=1)),
        )


def period_form(request: HttpRequest, now: datetime) -> PeriodForm:
    return PeriodForm(request.GET or None, today=timezone.localdate(now), label_suffix="")


def valid_period(form: PeriodForm) -> Period:
    if form.is_bound:
        return form.period() if form.is_valid() else None
    form.cleaned_data = {}
    first, last = preset_days("30d", form.today)
    form.cleaned_data.update(preset="30d", first=first, last=last)
    return form.period()


def export_response(request: HttpRequest, table: Table, filename: str) -> HttpResponse | None:
    kind = request.GET.get("format")
    if kind == "csv":
        return csv_response(table, filename)
    if kind == "xlsx":
        return xlsx_response(table, filename)
    return None


def export_filename(name: str, period: Period) -> str:
    zone = timezone.get_current_timezone()
    last = (period.end - timedelta(seconds=1)).astimezone(zone)
    return f"{name}-{period.start.astimezone(zone):%Y%m%d}-{last:%Y%m%d}"
