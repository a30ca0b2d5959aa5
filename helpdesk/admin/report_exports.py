"""One column definition per report drives its HTML table, its CSV and its XLSX.

A Column names what a cell holds (a number, a rate, business hours, text); the page
formats it for reading, the exports write the plain number. Every text cell is neutralised
against spreadsheet formulas (OWASP "CSV injection"): a leading = + - @ tab or CR gets an
apostrophe, in the CSV and in the XLSX alike.
"""

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook

from helpdesk.selectors.reports import Measures, Ratio
from helpdesk.selectors.reports.outcomes import BACKLOG_BUCKETS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    value: Callable[[Any], Any]
    kind: str = "int"  # int · rate (0–1) · hours (from seconds) · text

    def cell(self, row: Any) -> Any:
        """The plain value the exports write: rates in percent, durations in hours."""
        value = self.value(row)
        if value is None:
            return None
        if self.kind == "rate":
            return round(value * 100, 1)
        if self.kind == "hours":
            return round(value / 3600, 2)
        return value

    def display(self, row: Any) -> str:
        value = self.cell(row)
        if value is None:
            return "—"
        if self.kind == "rate":
            return f"{value:.1f} %"
        if self.kind == "hours":
            return f"{value:.1f} h"
        return str(value)


def _rate(get: Callable[[Measures], Ratio]) -> Callable[[Measures], float | None]:
    return lambda m: get(m).rate


MEASURE_COLUMNS: tuple[Column, ...] = (
    Column("created", pgettext_lazy("number of tickets", "created"), lambda m: m.created),
    Column("resolved", _("resolved"), lambda m: m.resolved),
    Column("fr_met", _("first response met"), lambda m: m.first_response.part),
    Column(
        "fr_breached", _("first response breached"), lambda m: m.first_response.whole - m.first_response.part
    ),
    Column("fr_compliance", _("first response compliance"), _rate(lambda m: m.first_response), "rate"),
    Column("res_met", _("resolution met"), lambda m: m.resolution.part),
    Column("res_breached", _("resolution breached"), lambda m: m.resolution.whole - m.resolution.part),
    Column("res_compliance", _("resolution compliance"), _rate(lambda m: m.resolution), "rate"),
    Column(
        "fr_median", _("first response median (business h)"), lambda m: m.first_response_times.median, "hours"
    ),
    Column("fr_p90", _("first response p90 (business h)"), lambda m: m.first_response_times.p90, "hours"),
    Column("res_median", _("resolution median (business h)"), lambda m: m.resolution_times.median, "hours"),
    Column("res_p90", _("resolution p90 (business h)"), lambda m: m.resolution_times.p90, "hours"),
    Column("fcr", _("first-contact resolution"), _rate(lambda m: m.fcr), "rate"),
    Column("csat", _("CSAT"), _rate(lambda m: m.csat), "rate"),
    Column("ratings", _("ratings"), lambda m: m.csat.whole),
    Column("response_rate", _("survey response rate"), _rate(lambda m: m.survey_response), "rate"),
    Column("reopen_rate", _("reopen rate"), _rate(lambda m: m.reopens), "rate"),
    Column("backlog", _("open backlog"), lambda m: m.backlog_total),
    Column("open_breached", _("open and breached"), lambda m: m.open_breached),
)
BACKLOG_COLUMNS: tuple[Column, ...] = tuple(
    Column(f"backlog_{key}", label, (lambda k: lambda m: m.backlog.get(k, 0))(key))
    for key, label, _b in BACKLOG_BUCKETS
)


@dataclass(frozen=True)
class Table:
    """A report as rows of objects read through columns; `label` reads each row's name."""

    title: str
    group_label: str
    columns: Sequence[Column]
    rows: Sequence[tuple[str, Any]]  # (label, row object)
    total: tuple[str, Any] | None = None

    def header(self) -> list[str]:
        return [str(self.group_label), *(str(c.label) for c in self.columns)]

    def records(self) -> list[list[Any]]:
        lines = [*self.rows, *([self.total] if self.total else [])]
        return [[neutralise(label), *(neutralise(c.cell(obj)) for c in self.columns)] for label, obj in lines]

    def html_rows(self) -> list[dict]:
        return [{"label": label, "cells": [c.display(obj) for c in self.columns]} for label, obj in self.rows]

    def html_total(self) -> dict | None:
        if not self.total:
            return None
        label, obj = self.total
        return {"label": label, "cells": [c.display(obj) for c in self.columns]}


def csv_response(table: Table, filename: str) -> HttpResponse:
    """UTF-8 with a BOM, so Excel reads the Chinese names correctly."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([neutralise(h) for h in table.header()])
    writer.writerows(["" if v is None else v for v in record] for record in table.records())
    return response


def xlsx_response(table: Table, filename: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(table.title)[:31])
    sheet.append([neutralise(h) for h in table.header()])
    for record in table.records():
        sheet.append(record)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
