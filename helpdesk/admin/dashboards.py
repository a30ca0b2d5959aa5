"""The managers' dashboards under /admin/reports/: overview, breakdowns, where the promise breaks.

Mounted by KuaixiangAdminSite.get_urls() through core.registry (helpdesk.admin.workspace),
each view wrapped in admin_site.admin_view. Thin over helpdesk.selectors.reports: this
module reads the form, picks the scope, and hands rows to the charts and the column tables.
"""

from datetime import date, datetime, time, timedelta
from operator import itemgetter

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_site import admin_site
from core.clock import resolve_now
from helpdesk.roles import AGENTS
from helpdesk.selectors.reports import (
    EVERYONE,
    Measures,
    Period,
    Ratio,
    Scope,
    attention_list,
    breakdown,
    heatmap,
    overview,
    staffing,
    trend,
)
from helpdesk.selectors.reports.outcomes import BACKLOG_BUCKETS

from .report_charts import bar_chart, heatmap_chart, line_chart
from .report_exports import BACKLOG_COLUMNS, MEASURE_COLUMNS, Column, Table, csv_response, xlsx_response

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
DIMENSION_LABELS = {
    "plan": gettext_lazy("SLA plan"),
    "team": gettext_lazy("Team"),
    "agent": gettext_lazy("Agent"),
    "category": gettext_lazy("Category"),
    "complexity": gettext_lazy("Complexity"),
    "channel": gettext_lazy("Channel"),
    "organization": gettext_lazy("Organization"),
    "priority": gettext_lazy("Priority"),
    "hours": gettext_lazy("Arrival inside or outside the team's hours"),
    "timezone": gettext_lazy("Customer's time zone"),
}
DEFINITIONS = [
    (
        gettext_lazy("Agent reply"),
        gettext_lazy(
            "A public message written by an agent. Internal notes and automatic mails are not replies."
        ),
    ),
    (
        gettext_lazy("First response time"),
        gettext_lazy("Creation to the first agent reply, in business time of the ticket's calendar."),
    ),
    (
        gettext_lazy("Resolution time"),
        gettext_lazy("Creation to resolved, in business time minus paused time."),
    ),
    (
        gettext_lazy("SLA compliance"),
        gettext_lazy(
            "Met ÷ (met + breached) per target, over tickets whose outcome became final in the period; open "
            "tickets already past due count as breached and are listed. Merged tickets are neither met nor breached."
        ),
    ),
    (
        gettext_lazy("First-contact resolution"),
        gettext_lazy(
            "Resolved with exactly one agent reply and not reopened within 7 days, ÷ tickets resolved in the period."
        ),
    ),
    (gettext_lazy("CSAT"), gettext_lazy("Ratings 4–5 ÷ all ratings; response rate = rated ÷ surveyed.")),
    (gettext_lazy("Reopen rate"), gettext_lazy("Resolved tickets later reopened ÷ resolved.")),
    (
        gettext_lazy("Backlog age"),
        gettext_lazy("Open tickets by time since creation: < 1 d, 1–3 d, 3–7 d, 7–30 d, > 30 d."),
    ),
    (
        gettext_lazy("Percentiles"),
        gettext_lazy(
            "Nearest rank; an empty set has no value. Exact for periods up to 7 days, read from histograms "
            "(within about six per cent) for longer ones."
        ),
    ),
    (
        gettext_lazy("Deflection rate"),
        gettext_lazy("Submissions abandoned after “this solved it” ÷ submissions started."),
    ),
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
    preset = forms.ChoiceField(label=gettext_lazy("Period"), choices=PRESETS, required=False)
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


def _period_form(request: HttpRequest, now: datetime) -> PeriodForm:
    return PeriodForm(request.GET or None, today=timezone.localdate(now), label_suffix="")


def _context(request: HttpRequest, *, title: str, form: PeriodForm, page: str) -> dict:
    return {
        **admin_site.each_context(request),
        "title": title,
        "form": form,
        "page": page,
        "dimensions": list(DIMENSION_LABELS.items()),
        "definitions": DEFINITIONS,
    }


def _valid(form: PeriodForm) -> Period:
    if form.is_bound:
        return form.period() if form.is_valid() else None
    form.cleaned_data = {}
    first, last = preset_days("30d", form.today)
    form.cleaned_data.update(preset="30d", first=first, last=last)
    return form.period()


# --- comparison and formatting ----------------------------------------------------------------


def percent(ratio: Ratio | float | None) -> str:
    rate = ratio.rate if isinstance(ratio, Ratio) else ratio
    return "—" if rate is None else f"{rate * 100:.1f} %"


def hours(seconds: float | None) -> str:
    return "—" if seconds is None else _("%(hours)s h") % {"hours": f"{seconds / 3600:.1f}"}


def _card(label, now_value, before_value, shown: str, *, better: str, unit: str = "") -> dict:
    """A headline card: the value, and ▲/▼ against the previous period (coloured by whether
    the change is good, and spelled out for screen readers and print)."""
    card = {"label": label, "value": shown, "arrow": "", "delta": "", "tone": ""}
    if now_value is None or before_value is None or now_value == before_value:
        card["delta"] = _("no change") if now_value is not None and now_value == before_value else ""
        return card
    up = now_value > before_value
    card["arrow"] = "▲" if up else "▼"
    change = now_value - before_value
    card["delta"] = (
        f"{change * 100:+.1f} pt"
        if unit == "rate"
        else (f"{change / 3600:+.1f} h" if unit == "hours" else f"{change:+g}")
    )
    card["tone"] = "good" if (up == (better == "up")) else "bad"
    return card


def headline_cards(
    current: Measures, previous: Measures, deflection: dict, previous_deflection: dict
) -> list[dict]:
    c, p = current, previous
    return [
        _card(_("Created"), c.created, p.created, str(c.created), better="none"),
        _card(_("Resolved"), c.resolved, p.resolved, str(c.resolved), better="up"),
        _card(
            _("First response compliance"),
            c.first_response.rate,
            p.first_response.rate,
            percent(c.first_response),
            better="up",
            unit="rate",
        ),
        _card(
            _("Resolution compliance"),
            c.resolution.rate,
            p.resolution.rate,
            percent(c.resolution),
            better="up",
            unit="rate",
        ),
        _card(
            _("Median first response"),
            c.first_response_times.median,
            p.first_response_times.median,
            hours(c.first_response_times.median),
            better="down",
            unit="hours",
        ),
        _card(
            _("p90 first response"),
            c.first_response_times.p90,
            p.first_response_times.p90,
            hours(c.first_response_times.p90),
            better="down",
            unit="hours",
        ),
        _card(
            _("Median resolution"),
            c.resolution_times.median,
            p.resolution_times.median,
            hours(c.resolution_times.median),
            better="down",
            unit="hours",
        ),
        _card(
            _("p90 resolution"),
            c.resolution_times.p90,
            p.resolution_times.p90,
            hours(c.resolution_times.p90),
            better="down",
            unit="hours",
        ),
        _card(
            _("First-contact resolution"), c.fcr.rate, p.fcr.rate, percent(c.fcr), better="up", unit="rate"
        ),
        _card(_("CSAT"), c.csat.rate, p.csat.rate, percent(c.csat), better="up", unit="rate"),
        _card(
            _("Survey response rate"),
            c.survey_response.rate,
            p.survey_response.rate,
            percent(c.survey_response),
            better="up",
            unit="rate",
        ),
        _card(
            _("Reopen rate"), c.reopens.rate, p.reopens.rate, percent(c.reopens), better="down", unit="rate"
        ),
        _card(
            _("Deflection rate"),
            deflection["rate"],
            previous_deflection["rate"],
            percent(deflection["rate"]),
            better="up",
            unit="rate",
        ),
        _card(_("Open backlog"), c.backlog_total, None, str(c.backlog_total), better="down"),
        _card(_("Open and already breached"), c.open_breached, None, str(c.open_breached), better="down"),
    ]


def _export(request: HttpRequest, table: Table, filename: str) -> HttpResponse | None:
    kind = request.GET.get("format")
    if kind == "csv":
        return csv_response(table, filename)
    if kind == "xlsx":
        return xlsx_response(table, filename)
    return None


def _filename(name: str, period: Period) -> str:
    zone = timezone.get_current_timezone()
    last = (period.end - timedelta(seconds=1)).astimezone(zone)
    return f"{name}-{period.start.astimezone(zone):%Y%m%d}-{last:%Y%m%d}"


# --- pages ------------------------------------------------------------------------------------


TREND_COLUMNS = (
    Column("created", gettext_lazy("created"), lambda m: m.created),
    Column("resolved", gettext_lazy("resolved"), lambda m: m.resolved),
    Column(
        "fr_compliance", gettext_lazy("first response compliance"), lambda m: m.first_response.rate, "rate"
    ),
    Column("res_compliance", gettext_lazy("resolution compliance"), lambda m: m.resolution.rate, "rate"),
    Column(
        "fr_median",
        gettext_lazy("first response median (business h)"),
        lambda m: m.first_response_times.median,
        "hours",
    ),
    Column("csat", gettext_lazy("CSAT"), lambda m: m.csat.rate, "rate"),
)


def overview_view(request: HttpRequest) -> HttpResponse:
    scope = report_scope(request.user)
    now = resolve_now(None)
    form = _period_form(request, now)
    period = _valid(form)
    context = _context(request, title=_("SLA dashboard"), form=form, page="overview")
    if period is not None:
        data = overview(period=period, scope=scope, now=now)
        points = trend(period=period, scope=scope)
        labels = [f"{point.start:%m-%d}" for point in points]
        trend_table = Table(
            title=_("Trend"),
            group_label=_("from"),
            columns=TREND_COLUMNS,
            rows=[(point.start.isoformat(), point.measures) for point in points],
        )
        export = _export(request, trend_table, _filename("sla-trend", period))
        if export:
            return export
        attention = attention_list(scope=scope, now=now)
        backlog = [(label, data.current.backlog.get(key, 0)) for key, label, _b in BACKLOG_BUCKETS]
        context.update(
            overview=data,
            cards=headline_cards(data.current, data.previous, data.deflection, data.previous_deflection),
            trend_table=trend_table,
            volume_chart=line_chart(
                title=_("Tickets created and resolved"),
                labels=labels,
                series=[
                    (_("created"), [p.measures.created for p in points]),
                    (_("resolved"), [p.measures.resolved for p in points]),
                ],
            ),
            compliance_chart=line_chart(
                title=_("SLA compliance"),
                labels=labels,
                unit="%",
                series=[
                    (_("first response"), [_pct(p.measures.first_response) for p in points]),
                    (_("resolution"), [_pct(p.measures.resolution) for p in points]),
                ],
            ),
            backlog=backlog,
            backlog_chart=bar_chart(
                title=_("Open backlog by age"),
                labels=[str(label) for label, _n in backlog],
                series=[(_("open tickets"), [n for _l, n in backlog])],
                maximum=max([n for _l, n in backlog] + [1]),
                unit="",
            ),
            attention=attention,
            weekly=len(points) > 1 and (points[1].start - points[0].start).days == 7,
        )
    return TemplateResponse(request, "admin/reports/overview.html", context)


def _pct(ratio: Ratio) -> float | None:
    return None if ratio.rate is None else ratio.rate * 100


def breakdown_view(request: HttpRequest, dimension: str) -> HttpResponse:
    scope = report_scope(request.user)
    if dimension not in DIMENSION_LABELS:
        raise Http404
    now = resolve_now(None)
    form = _period_form(request, now)
    period = _valid(form)
    context = _context(
        request,
        title=_("SLA by %(dimension)s") % {"dimension": str(DIMENSION_LABELS[dimension]).lower()},
        form=form,
        page=dimension,
    )
    if period is not None:
        data = breakdown(dimension=dimension, period=period, scope=scope, now=now)
        table = Table(
            title=str(DIMENSION_LABELS[dimension]),
            group_label=str(DIMENSION_LABELS[dimension]),
            columns=(*MEASURE_COLUMNS, *BACKLOG_COLUMNS),
            rows=[(row.label, row.measures) for row in data.rows],
            total=(_("All"), data.total),
        )
        export = _export(request, table, _filename(f"sla-{dimension}", period))
        if export:
            return export
        labels = [row.label for row in data.rows]
        context.update(
            breakdown=data,
            table=table,
            dimension_label=DIMENSION_LABELS[dimension],
            compliance_chart=bar_chart(
                title=_("SLA compliance by %(dimension)s")
                % {"dimension": str(DIMENSION_LABELS[dimension]).lower()},
                labels=labels,
                series=[
                    (_("first response"), [_pct(row.measures.first_response) for row in data.rows]),
                    (_("resolution"), [_pct(row.measures.resolution) for row in data.rows]),
                ],
            ),
            times_chart=bar_chart(
                title=_("Median resolution time (business hours)"),
                labels=labels,
                series=[
                    (
                        _("first response median"),
                        [_h(row.measures.first_response_times.median) for row in data.rows],
                    ),
                    (_("resolution median"), [_h(row.measures.resolution_times.median) for row in data.rows]),
                ],
                maximum=max(
                    [_h(row.measures.resolution_times.median) or 0 for row in data.rows]
                    + [_h(row.measures.first_response_times.median) or 0 for row in data.rows]
                    + [1]
                ),
                unit=" h",
            ),
        )
    return TemplateResponse(request, "admin/reports/breakdown.html", context)


def _h(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


WEEKDAYS = [
    gettext_lazy("Mon"),
    gettext_lazy("Tue"),
    gettext_lazy("Wed"),
    gettext_lazy("Thu"),
    gettext_lazy("Fri"),
    gettext_lazy("Sat"),
    gettext_lazy("Sun"),
]
STAFFING_COLUMNS = (
    Column("agents", gettext_lazy("agents"), lambda r: r.agents),
    Column("open", gettext_lazy("open tickets"), lambda r: r.open_tickets),
    Column(
        "open_per_agent",
        gettext_lazy("open per agent"),
        lambda r: None if r.open_per_agent is None else round(r.open_per_agent, 1),
    ),
    Column("created", gettext_lazy("created in period"), lambda r: r.created),
    Column("coverage", gettext_lazy("working hours in period"), lambda r: round(r.coverage_hours, 1)),
    Column(
        "per_agent_hour",
        gettext_lazy("tickets per agent-hour"),
        lambda r: None if r.tickets_per_agent_hour is None else round(r.tickets_per_agent_hour, 2),
    ),
    Column(
        "fr_compliance",
        gettext_lazy("first response compliance"),
        lambda r: r.measures.first_response.rate,
        "rate",
    ),
    Column(
        "res_compliance", gettext_lazy("resolution compliance"), lambda r: r.measures.resolution.rate, "rate"
    ),
)


COMPLEXITY_COLUMNS = tuple(
    column
    for column in MEASURE_COLUMNS
    if column.key in ("resolved", "res_median", "res_p90", "res_compliance", "reopen_rate", "backlog")
)


def heatmap_view(request: HttpRequest) -> HttpResponse:
    scope = report_scope(request.user)
    now = resolve_now(None)
    form = _period_form(request, now)
    period = _valid(form)
    context = _context(request, title=_("Where the promise breaks"), form=form, page="heatmap")
    if period is not None:
        grid = heatmap(period=period, scope=scope, timezone=request.GET.get("tz"))
        teams = staffing(period=period, scope=scope, now=now)
        complexity = breakdown(dimension="complexity", period=period, scope=scope, now=now)
        staffing_table = Table(
            title=_("Staffing"),
            group_label=_("Team"),
            columns=STAFFING_COLUMNS,
            rows=[(row.name, row) for row in teams],
        )
        heat_table = Table(
            title=_("Arrivals"),
            group_label=_("day"),
            columns=[Column(f"h{h:02d}", f"{h:02d}", itemgetter(h)) for h in range(24)],
            rows=[(str(WEEKDAYS[d]), grid.counts[d]) for d in range(7)],
        )
        export = _export(
            request,
            staffing_table if request.GET.get("table") == "staffing" else heat_table,
            _filename("sla-heatmap", period),
        )
        if export:
            return export
        complexity_table = Table(
            title=_("Complexity"),
            group_label=_("Complexity"),
            columns=COMPLEXITY_COLUMNS,
            rows=[(row.label, row.measures) for row in complexity.rows],
            total=(_("All"), complexity.total),
        )
        context.update(
            grid=grid,
            complexity_table=complexity_table,
            heat_table=heat_table,
            heat_chart=heatmap_chart(
                title=_("Arrivals by hour of week (%(zone)s)") % {"zone": grid.timezone},
                days=[str(d) for d in WEEKDAYS],
                counts=grid.counts,
                open_hours=grid.open_hours,
                legend_open=_("outlined: the team is working"),
            ),
            staffing_table=staffing_table,
            complexity=complexity,
            complexity_chart=bar_chart(
                title=_("Resolution time by complexity (business hours)"),
                labels=[row.label for row in complexity.rows],
                series=[
                    (_("median"), [_h(row.measures.resolution_times.median) for row in complexity.rows]),
                    (_("p90"), [_h(row.measures.resolution_times.p90) for row in complexity.rows]),
                ],
                maximum=max([_h(row.measures.resolution_times.p90) or 0 for row in complexity.rows] + [1]),
                unit=" h",
            ),
        )
    return TemplateResponse(request, "admin/reports/heatmap.html", context)
