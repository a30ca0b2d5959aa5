"""The managers' SLA report at /admin/reports/sla/: a period and grouping form, the tables,
and the same figures as a CSV export. Routed by KuaixiangAdminSite.get_urls().

Thin over helpdesk.selectors.reports.sla_report; this module only reads the form and
formats numbers.
"""

import csv
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_site import admin_site
from core.clock import resolve_now
from helpdesk.admin.report_exports import neutralise
from helpdesk.selectors.reports import (
    BACKLOG_BUCKETS,
    GROUPINGS,
    Period,
    Ratio,
    ReportRow,
    SlaReport,
    sla_report,
)

PERMISSION = "helpdesk.view_reports"
DEFAULT_DAYS = 30
MAX_DAYS = 366
GROUP_LABELS = {
    "tier": gettext_lazy("SLA tier"),
    "team": gettext_lazy("team"),
    "category": gettext_lazy("category"),
    "priority": gettext_lazy("priority"),
}


class ReportForm(forms.Form):
    """Dates are whole days in the viewer's time zone; `end` is inclusive."""

    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    group_by = forms.ChoiceField(
        label=gettext_lazy("Group by"), choices=[(key, GROUP_LABELS[key]) for key in GROUPINGS]
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date must not be before the start date."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(
                    _("Choose a period of at most %(days)d days.") % {"days": MAX_DAYS}
                )
        return data

    def period(self) -> Period:
        zone = timezone.get_current_timezone()
        start = datetime.combine(self.cleaned_data["start"], time.min, tzinfo=zone)
        end = datetime.combine(self.cleaned_data["end"] + timedelta(days=1), time.min, tzinfo=zone)
        return Period(start=start, end=end)


def default_dates(today: date) -> dict[str, str]:
    """The last 30 days, today included."""
    return {"start": (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat(), "end": today.isoformat()}


def sla_report_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    now = resolve_now(None)
    defaults = {**default_dates(timezone.localdate(now)), "group_by": "tier"}
    form = ReportForm({**defaults, **request.GET.dict()}, label_suffix="")
    report = None
    if form.is_valid():
        report = sla_report(period=form.period(), group_by=form.cleaned_data["group_by"], now=now)
        if request.GET.get("format") == "csv":
            return csv_response(report, form)
    context = {
        **admin_site.each_context(request),
        "title": _("SLA report"),
        "form": form,
        "report": report,
        "table": report_table(report) if report else None,
        "group_label": GROUP_LABELS.get(form.data.get("group_by"), GROUP_LABELS["tier"]),
        "bucket_labels": [label for _key, label, _bound in BACKLOG_BUCKETS],
    }
    return TemplateResponse(request, "admin/reports/sla.html", context)


# --- formatting -------------------------------------------------------------------------------


def percent(ratio: Ratio | float | None) -> str:
    rate = ratio.rate if isinstance(ratio, Ratio) else ratio
    return "—" if rate is None else f"{rate * 100:.1f} %"


def hours(seconds: float | None) -> str:
    return "—" if seconds is None else _("%(hours)s h") % {"hours": f"{seconds / 3600:.1f}"}


def bar_class(ratio: Ratio) -> str:
    """A CSS class per 10 % step (kx-bar-0 … kx-bar-100): the page's CSP forbids inline widths."""
    return "" if ratio.rate is None else f"kx-bar-{int(ratio.rate * 10) * 10}"


def _display(row: ReportRow) -> dict:
    return {
        "label": row.label,
        "targets": [
            {
                "met": ratio.part,
                "breached": ratio.whole - ratio.part,
                "merged": merged,  # set aside: in neither met nor breached
                "percent": percent(ratio),
                "bar": bar_class(ratio),
            }
            for ratio, merged in (
                (row.first_response, row.first_response_merged),
                (row.resolution, row.resolution_merged),
            )
        ],
        "times": [
            {"count": t.count, "median": hours(t.median), "p90": hours(t.p90), "mean": hours(t.mean)}
            for t in (row.first_response_times, row.resolution_times)
        ],
        "fcr": percent(row.fcr),
        "fcr_of": row.fcr.whole,
        "csat": percent(row.csat),
        "ratings": row.csat.whole,
        "survey_response": percent(row.survey_response),
        "reopens": percent(row.reopens),
        "backlog": [row.backlog.buckets.get(key, 0) for key, _label, _bound in BACKLOG_BUCKETS],
        "backlog_total": row.backlog.total,
    }


def report_table(report: SlaReport) -> dict:
    return {
        "rows": [_display(row) for row in report.rows],
        "total": _display(report.total),
        "deflection": percent(report.deflection["rate"]),
    }


# --- CSV export -------------------------------------------------------------------------------


def _csv_header(group_by: str) -> list[str]:
    header = [str(GROUP_LABELS[group_by])]
    for target in (_("first response"), _("resolution")):
        header += [
            _("%(target)s met") % {"target": target},
            _("%(target)s breached") % {"target": target},
            _("%(target)s compliance %%") % {"target": target},
            _("%(target)s merged") % {"target": target},
        ]
    for target in (_("first response"), _("resolution")):
        header += [
            _("%(target)s count") % {"target": target},
            _("%(target)s median (business hours)") % {"target": target},
            _("%(target)s p90 (business hours)") % {"target": target},
            _("%(target)s mean (business hours)") % {"target": target},
        ]
    header += [
        _("resolved"),
        _("first-contact resolution %"),
        _("ratings"),
        _("CSAT %"),
        _("survey response rate %"),
        _("reopen rate %"),
    ]
    header += [_("backlog %(bucket)s") % {"bucket": label} for _key, label, _bound in BACKLOG_BUCKETS]
    return header


def _number(value: float | None, scale: float = 1) -> str:
    return "" if value is None else f"{value * scale:.1f}"


def _csv_row(row: ReportRow) -> list:
    cells: list = [row.label]
    for ratio, merged in (
        (row.first_response, row.first_response_merged),
        (row.resolution, row.resolution_merged),
    ):
        cells += [ratio.part, ratio.whole - ratio.part, _number(ratio.rate, 100), merged]
    for times in (row.first_response_times, row.resolution_times):
        cells += [times.count, *(_number(v, 1 / 3600) for v in (times.median, times.p90, times.mean))]
    cells += [
        row.fcr.whole,
        _number(row.fcr.rate, 100),
        row.csat.whole,
        _number(row.csat.rate, 100),
        _number(row.survey_response.rate, 100),
        _number(row.reopens.rate, 100),
    ]
    cells += [row.backlog.buckets.get(key, 0) for key, _label, _bound in BACKLOG_BUCKETS]
    return cells


def csv_response(report: SlaReport, form: ReportForm) -> HttpResponse:
    """One row per group; UTF-8 with a BOM so Excel reads the Chinese names correctly."""
    first, last = form.cleaned_data["start"], form.cleaned_data["end"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sla-report-{first:%Y%m%d}-{last:%Y%m%d}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([neutralise(cell) for cell in _csv_header(report.group_by)])
    writer.writerows([neutralise(cell) for cell in _csv_row(row)] for row in report.rows)
    return response
