"""The managers' dashboards under /admin/reports/: overview, breakdowns, where the promise breaks.

Mounted by KuaixiangAdminSite.get_urls() through core.registry (helpdesk.admin.workspace),
each view wrapped in admin_site.admin_view. Thin over helpdesk.selectors.reports: this
module reads the form (report_period), picks the scope, and hands rows to the charts
(report_charts), the cards (report_cards) and the column tables (report_exports).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from core.admin_site import admin_site
from core.clock import resolve_now
from helpdesk.selectors.reports import (
    Breakdown,
    BreakdownRow,
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

from .report_cards import contributed_cards, definitions, headline_cards
from .report_charts import bar_chart, heatmap_chart, line_chart
from .report_exports import BACKLOG_COLUMNS, MEASURE_COLUMNS, Column, Table
from .report_period import (
    PeriodForm,
    export_filename,
    export_response,
    period_form,
    report_scope,
    valid_period,
)

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


@dataclass
class _Page:
    """What every dashboard page starts from: whose tickets, when, and the common context."""

    scope: Scope
    now: datetime
    form: PeriodForm
    period: Period | None  # None when the form is invalid (its errors are shown)
    context: dict


def _page(request: HttpRequest, *, page: str, title: str = "") -> _Page:
    scope = report_scope(request.user)
    now = resolve_now(None)
    form = period_form(request, now)
    context = {
        **admin_site.each_context(request),
        "title": title,
        "form": form,
        "page": page,
        "dimensions": list(DIMENSION_LABELS.items()),
        "definitions": definitions(),
    }
    return _Page(scope=scope, now=now, form=form, period=valid_period(form), context=context)


def _pct(ratio: Ratio) -> float | None:
    return None if ratio.rate is None else ratio.rate * 100


def _h(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def _breakdown_table(data: Breakdown, *, title: str, columns: Sequence[Column]) -> Table:
    return Table(
        title=title,
        group_label=title,
        columns=columns,
        rows=[(row.label, row.measures) for row in data.rows],
        total=(_("All"), data.total),
    )


def _hours_chart(
    *,
    title: str,
    rows: Sequence[BreakdownRow],
    series: Sequence[tuple[str, Callable[[Measures], float | None]]],
) -> str:
    """Bars of business hours per row, one series per (label, measure), on one scale."""
    values = [(label, [_h(get(row.measures)) for row in rows]) for label, get in series]
    return bar_chart(
        title=title,
        labels=[row.label for row in rows],
        series=values,
        maximum=max([value or 0 for _label, column in values for value in column] + [1]),
        unit=" h",
    )


# --- pages ------------------------------------------------------------------------------------


TREND_COLUMNS = (
    Column("created", pgettext_lazy("number of tickets", "created"), lambda m: m.created),
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


# The rollup measures TREND_COLUMNS and the trend charts read (not the resolution histograms).
TREND_MEASURES = (
    "created",
    "resolved",
    "fr_met",
    "fr_breached",
    "res_met",
    "res_breached",
    "fr_hist",
    "fr_sum",
    "satisfied",
    "rated",
)


def overview_view(request: HttpRequest) -> HttpResponse:
    page = _page(request, page="overview", title=_("SLA dashboard"))
    period, scope, now = page.period, page.scope, page.now
    if period is not None:
        data = overview(period=period, scope=scope, now=now)
        points = trend(period=period, scope=scope, only=TREND_MEASURES)
        labels = [f"{point.start:%m-%d}" for point in points]
        trend_table = Table(
            title=_("Trend"),
            group_label=pgettext("first day of a trend row", "from"),
            columns=TREND_COLUMNS,
            rows=[(point.start.isoformat(), point.measures) for point in points],
        )
        export = export_response(request, trend_table, export_filename("sla-trend", period))
        if export:
            return export
        backlog = [(label, data.current.backlog.get(key, 0)) for key, label, _b in BACKLOG_BUCKETS]
        page.context.update(
            overview=data,
            cards=headline_cards(data.current, data.previous, data.deflection, data.previous_deflection),
            card_groups=contributed_cards(period=period, previous=data.previous_period, scope=scope),
            trend_table=trend_table,
            volume_chart=line_chart(
                title=_("Tickets created and resolved"),
                labels=labels,
                series=[
                    (pgettext("number of tickets", "created"), [p.measures.created for p in points]),
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
            attention=attention_list(scope=scope, now=now),
            weekly=len(points) > 1 and (points[1].start - points[0].start).days == 7,
        )
    return TemplateResponse(request, "admin/reports/overview.html", page.context)


def breakdown_view(request: HttpRequest, dimension: str) -> HttpResponse:
    page = _page(request, page=dimension)
    if dimension not in DIMENSION_LABELS:
        raise Http404
    label = str(DIMENSION_LABELS[dimension])
    page.context["title"] = _("SLA by %(dimension)s") % {"dimension": label.lower()}
    if page.period is not None:
        data = breakdown(dimension=dimension, period=page.period, scope=page.scope, now=page.now)
        table = _breakdown_table(data, title=label, columns=(*MEASURE_COLUMNS, *BACKLOG_COLUMNS))
        export = export_response(request, table, export_filename(f"sla-{dimension}", page.period))
        if export:
            return export
        page.context.update(
            breakdown=data,
            table=table,
            dimension_label=DIMENSION_LABELS[dimension],
            compliance_chart=bar_chart(
                title=_("SLA compliance by %(dimension)s") % {"dimension": label.lower()},
                labels=[row.label for row in data.rows],
                series=[
                    (_("first response"), [_pct(row.measures.first_response) for row in data.rows]),
                    (_("resolution"), [_pct(row.measures.resolution) for row in data.rows]),
                ],
            ),
            times_chart=_hours_chart(
                title=_("Median resolution time (business hours)"),
                rows=data.rows,
                series=[
                    (_("first response median"), lambda m: m.first_response_times.median),
                    (_("resolution median"), lambda m: m.resolution_times.median),
                ],
            ),
        )
    return TemplateResponse(request, "admin/reports/breakdown.html", page.context)


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


COMPLEXITY_COLUMNS = tuple(
    column
    for column in MEASURE_COLUMNS
    if column.key in ("resolved", "res_median", "res_p90", "res_compliance", "reopen_rate", "backlog")
)


def heatmap_view(request: HttpRequest) -> HttpResponse:
    page = _page(request, page="heatmap", title=_("Where the promise breaks"))
    period, scope, now = page.period, page.scope, page.now
    if period is not None:
        grid = heatmap(period=period, scope=scope, timezone=request.GET.get("tz"))
        teams = staffing(period=period, scope=scope, now=now)
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
        wanted = staffing_table if request.GET.get("table") == "staffing" else heat_table
        export = export_response(request, wanted, export_filename("sla-heatmap", period))
        if export:
            return export
        complexity = breakdown(dimension="complexity", period=period, scope=scope, now=now)
        page.context.update(
            grid=grid,
            complexity_table=_breakdown_table(complexity, title=_("Complexity"), columns=COMPLEXITY_COLUMNS),
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
            complexity_chart=_hours_chart(
                title=_("Resolution time by complexity (business hours)"),
                rows=complexity.rows,
                series=[
                    (_("median"), lambda m: m.resolution_times.median),
                    (_("p90"), lambda m: m.resolution_times.p90),
                ],
            ),
        )
    return TemplateResponse(request, "admin/reports/heatmap.html", page.context)
