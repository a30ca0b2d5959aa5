"""Server-side SVG charts for the report pages: no script, no outside host, strict-CSP safe.

Drawn by hand because each is a few shapes; a charting library would bring a script or a
stylesheet the CSP refuses. Colours are the Okabe–Ito palette (safe for the common colour
blindnesses) and every series also differs by dash or marker; each chart has its table
beside it on the page and prints in black on white.
"""

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
DASHES = ("", "6 3", "2 3", "8 3 2 3")
_FONT = 'font-family="sans-serif" font-size="11"'


def _frame(width: int, height: int, title: str, body: str) -> SafeString:
    return format_html(
        '<svg class="kx-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
        'role="img" aria-label="{}"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        title,
        mark_safe(body),
    )


def _legend(series: Sequence[tuple[str, int]], x: int, y: int) -> str:
    parts = []
    for offset, (label, index) in enumerate(series):
        top = y + offset * 16
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3" stroke-dasharray="{}"/>'
                '<text x="{}" y="{}" {}>{}</text>',
                x,
                top,
                x + 22,
                top,
                PALETTE[index % len(PALETTE)],
                DASHES[index % len(DASHES)],
                x + 28,
                top + 4,
                mark_safe(_FONT),
                label,
            )
        )
    return "".join(parts)


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    maximum: float = 100,
    unit: str = "%",
) -> SafeString:
    """Horizontal grouped bars, one group per label; None draws no bar and says "—"."""
    row = 14 * len(series) + 10
    left, width = 190, 560
    height = 30 + row * len(labels) + 16 * len(series) + 10
    parts = []
    for i, label in enumerate(labels):
        top = 20 + i * row
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" {}>{}</text>',
                left - 8,
                top + row / 2,
                mark_safe(_FONT),
                label[:30],
            )
        )
        for s, (_name, values) in enumerate(series):
            value = values[i]
            y = top + s * 14
            colour = PALETTE[s % len(PALETTE)]
            if value is None:
                parts.append(
                    format_html('<text x="{}" y="{}" {}>—</text>', left + 4, y + 10, mark_safe(_FONT))
                )
                continue
            w = max(0.0, min(1.0, value / maximum if maximum else 0)) * (width - 60)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="11" fill="{}" stroke="#000" stroke-width="0.5"'
                    ' stroke-dasharray="{}"/><text x="{}" y="{}" {}>{}</text>',
                    left,
                    y,
                    f"{w:.1f}",
                    colour,
                    DASHES[s % len(DASHES)],
                    f"{left + w + 4:.1f}",
                    y + 10,
                    mark_safe(_FONT),
                    f"{value:.1f}{unit}" if unit == "%" else f"{value:g}{unit}",
                )
            )
    legend_y = 30 + row * len(labels)
    parts.append(_legend([(name, s) for s, (name, _v) in enumerate(series)], left, legend_y))
    return _frame(left + width, height, title, "".join(parts))


def line_chart(
    *, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], unit: str = ""
) -> SafeString:
    """Lines over time; gaps where a value is None; the axis starts at 0."""
    left, top, width, height = 50, 12, 700, 180
    values = [v for _name, vs in series for v in vs if v is not None]
    high = max(values) if values else 1
    high = high if high > 0 else 1
    n = max(1, len(labels) - 1)

    def x(i: int) -> float:
        return left + i * width / n

    def y(v: float) -> float:
        return top + height - v / high * height

    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#666"/>',
            left,
            top + height,
            left + width,
            top + height,
        ),
        format_html(
            '<text x="{}" y="{}" text-anchor="end" {}>{}</text>',
            left - 4,
            top + 8,
            mark_safe(_FONT),
            f"{high:.0f}{unit}",
        ),
        format_html(
            '<text x="{}" y="{}" text-anchor="end" {}>0</text>', left - 4, top + height, mark_safe(_FONT)
        ),
    ]
    step = max(1, len(labels) // 8)
    for i in range(0, len(labels), step):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" {}>{}</text>',
                f"{x(i):.1f}",
                top + height + 14,
                mark_safe(_FONT),
                labels[i],
            )
        )
    for s, (_name, vs) in enumerate(series):
        colour, dash = PALETTE[s % len(PALETTE)], DASHES[s % len(DASHES)]
        runs: list[list[str]] = [[]]
        for i, v in enumerate(vs):
            if v is None:
                runs.append([])
            else:
                runs[-1].append(f"{x(i):.1f},{y(v):.1f}")
        for run in runs:
            if len(run) > 1:
                parts.append(
                    format_html(
                        '<polyline fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}" points="{}"/>',
                        colour,
                        dash,
                        " ".join(run),
                    )
                )
            for point in run:
                cx, cy = point.split(",")
                parts.append(format_html('<circle cx="{}" cy="{}" r="2.5" fill="{}"/>', cx, cy, colour))
    parts.append(_legend([(name, s) for s, (name, _v) in enumerate(series)], left, top + height + 34))
    return _frame(left + width + 20, top + height + 40 + 16 * len(series), title, "".join(parts))


def heatmap_chart(
    *,
    title: str,
    days: Sequence[str],
    counts: Sequence[Sequence[int]],
    open_hours: Sequence[Sequence[bool]],
    legend_open: str,
) -> SafeString:
    """7 × 24 cells, darker for more arrivals (one hue, so it reads without colour vision);
    the team's working hours outlined in black."""
    left, top, cell = 60, 18, 26
    high = max((c for row in counts for c in row), default=0) or 1
    parts = []
    for hour in range(0, 24, 2):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" {}>{}</text>',
                left + hour * cell + cell / 2,
                top - 5,
                mark_safe(_FONT),
                f"{hour:02d}",
            )
        )
    for d, label in enumerate(days):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" {}>{}</text>',
                left - 6,
                top + d * cell + cell * 0.65,
                mark_safe(_FONT),
                label,
            )
        )
        for hour in range(24):
            count = counts[d][hour]
            shade = count / high
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="#0072B2" fill-opacity="{}" stroke="{}" stroke-width="{}"><title>{}</title></rect>',
                    left + hour * cell,
                    top + d * cell,
                    cell - 1,
                    cell - 1,
                    f"{0.06 + 0.94 * shade if count else 0.0:.2f}",
                    "#000" if open_hours[d][hour] else "#ccc",
                    2 if open_hours[d][hour] else 0.5,
                    f"{label} {hour:02d}:00 — {count}",
                )
            )
            if count:
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" text-anchor="middle" font-family="sans-serif" font-size="9" fill="{}">{}</text>',
                        left + hour * cell + cell / 2 - 0.5,
                        top + d * cell + cell * 0.62,
                        "#fff" if shade > 0.55 else "#000",
                        count,
                    )
                )
    legend_y = top + 7 * cell + 14
    parts.append(
        format_html(
            '<rect x="{}" y="{}" width="14" height="14" fill="none" stroke="#000" stroke-width="2"/><text x="{}" y="{}" {}>{}</text>',
            left,
            legend_y,
            left + 20,
            legend_y + 11,
            mark_safe(_FONT),
            legend_open,
        )
    )
    return _frame(left + 24 * cell + 10, legend_y + 24, title, "".join(parts))
