"""The dashboards' headline cards (value and ▲▼ against the previous period), their
formatting, and the metric definitions shown as help text."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.registry import ReportFigure, report_cards
from helpdesk.selectors.reports import Measures, Period, Ratio, Scope

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


# --- comparison and formatting ----------------------------------------------------------------


def percent(ratio: Ratio | float | None) -> str:
    rate = ratio.rate if isinstance(ratio, Ratio) else ratio
    return "—" if rate is None else f"{rate * 100:.1f} %"


def hours(seconds: float | None) -> str:
    return "—" if seconds is None else _("%(hours)s h") % {"hours": f"{seconds / 3600:.1f}"}


def minutes(seconds: float | None) -> str:
    return "—" if seconds is None else _("%(minutes)s min") % {"minutes": f"{seconds / 60:.1f}"}


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
    if unit == "rate":
        card["delta"] = f"{change * 100:+.1f} pt"
    elif unit == "hours":
        card["delta"] = f"{change / 3600:+.1f} h"
    elif unit == "seconds":
        card["delta"] = f"{change / 60:+.1f} min"
    else:
        card["delta"] = f"{change:+g}"
    if better != "none":  # more arrivals are neither good nor bad
        card["tone"] = "good" if (up == (better == "up")) else "bad"
    return card


def _shown(figure: ReportFigure) -> str:
    if figure.unit == "rate":
        return percent(figure.value)
    if figure.unit == "seconds":
        return minutes(figure.value)
    return "—" if figure.value is None else f"{figure.value:g}"


def contributed_cards(*, period: Period, previous: Period, scope: Scope) -> list[dict]:
    """The card groups other apps register (core.registry.report_cards), for the period and
    the previous one: {"title", "cards"} per group, in registry order."""
    groups = []
    for item in report_cards:
        now_figures = item.figures(start=period.start, end=period.end, teams=scope.teams)
        before = item.figures(start=previous.start, end=previous.end, teams=scope.teams)
        cards = [
            _card(f.label, f.value, b.value, _shown(f), better=f.better, unit=f.unit)
            for f, b in zip(now_figures, before, strict=True)
        ]
        groups.append({"key": item.key, "title": item.title, "cards": cards})
    return groups


def definitions() -> list[tuple]:
    """DESIGN.md's definitions, then those of the contributed cards."""
    return [*DEFINITIONS, *(entry for item in report_cards for entry in item.definitions)]


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
