"""Extension points: how one app adds to another's screens without importing it.

The app that owns a screen names a registry here and reads it; the apps that contribute
register into it from their `AppConfig.ready()`. Dependencies keep pointing one way (see
docs/architecture.md): the knowledge base adds a home-page panel without the portal
importing it, the portal adds a measure to the helpdesk report without the helpdesk
importing the portal.

Asking for a key that nobody registered raises `LookupError` — a missing panel is an error
in the tests, never a silently empty box.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


class Registry[T]:
    """Named contributions in a stable order (`order`, then the order of registration)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, tuple[int, T]] = {}

    def register(self, key: str, item: T, *, order: int = 100) -> T:
        existing = self._items.get(key)
        if existing is not None and existing[1] is not item:
            raise ValueError(f"{self.name}: {key!r} is registered twice")
        self._items[key] = (order, item)
        return item

    def unregister(self, key: str) -> None:
        self._items.pop(key, None)

    def get(self, key: str) -> T:
        try:
            return self._items[key][1]
        except KeyError:
            raise LookupError(f"{self.name}: nothing registered as {key!r}") from None

    def keys(self) -> list[str]:
        return [key for key, _ in self._sorted()]

    def items(self) -> list[tuple[str, T]]:
        return self._sorted()

    def __iter__(self) -> Iterator[T]:
        return (item for _, item in self._sorted())

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def _sorted(self) -> list[tuple[str, T]]:
        ordered = sorted(self._items.items(), key=lambda entry: entry[1][0])
        return [(key, item) for key, (_, item) in ordered]


@dataclass(frozen=True)
class Panel:
    """A box of links on the portal home page.

    `items(user=..., limit=...)` returns objects with `title` (or `name`) and
    `get_absolute_url()`; `more_url` is a URL name for "See all". A panel whose title
    promises something the items may not have yet ("Popular …" before anyone has read
    anything) sets `hide_when_empty` instead of showing an empty box.
    """

    key: str
    title: str | Promise
    items: Callable[..., list[Any]]
    more_url: str | None = None
    limit: int = 5
    hide_when_empty: bool = False


@dataclass(frozen=True)
class AdminSection:
    """A block on the admin index: a template and the context it needs for one request."""

    key: str
    template: str
    context: Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class AdminUrls:
    """Extra admin pages: `build(site)` returns URL patterns wrapped with `site.admin_view`."""

    key: str
    build: Callable[[Any], list[Any]]


@dataclass(frozen=True)
class ReportMeasure:
    """A measure another app adds to the managers' report: `compute(start=..., end=...)`."""

    key: str
    label: str | Promise
    compute: Callable[..., dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TicketPanel:
    """A box on the agent's ticket page: `render(ticket=..., request=...)` returns its HTML."""

    key: str
    render: Callable[..., str]


@dataclass(frozen=True)
class PageWidget:
    """Something every public page shows (e.g. the chat button): a template and its context.

    `context(request)` returns the template's context, or None when the widget is not for
    this visitor (then nothing is rendered).
    """

    key: str
    template: str
    context: Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class ReportFigure:
    """One headline figure of a ReportCards group: `value` is a count, a rate (0–1, unit
    "rate") or a duration in seconds (unit "seconds"); None when there is nothing to measure.
    `better` says which way is good for the ▲▼ ("up", "down" or "none")."""

    label: str | Promise
    value: float | None
    unit: str = ""
    better: str = "none"


@dataclass(frozen=True)
class ReportCards:
    """Headline cards another app adds to the managers' overview, under `title`.

    `figures(start=..., end=..., teams=...)` returns the ReportFigures of [start, end) for
    the given team ids (None: every team) in a fixed number of queries; `definitions` are
    (term, text) pairs added to the page's help text.
    """

    key: str
    title: str | Promise
    figures: Callable[..., list[ReportFigure]]
    definitions: tuple[tuple[str | Promise, str | Promise], ...] = ()


# Portal home page panels (knowledge base, community).
home_panels: Registry[Panel] = Registry("home_panels")
# Blocks on the admin index page (the agent's workspace).
admin_index_sections: Registry[AdminSection] = Registry("admin_index_sections")
# Extra pages on the admin site (reports, calendars' year view, …).
admin_urls: Registry[AdminUrls] = Registry("admin_urls")
# Actions another app adds to the ticket queue (e.g. "draft an article from this ticket").
ticket_admin_actions: Registry[Callable[..., Any]] = Registry("ticket_admin_actions")
# Kinds of public search documents other apps index beside the knowledge base's own
# (e.g. the forum's "topic"): key → label, offered by the search page and suggestions.
search_kinds: Registry[str | Promise] = Registry("search_kinds")
# Measures another app adds to the SLA report (e.g. the portal's deflection rate).
report_measures: Registry[ReportMeasure] = Registry("report_measures")
# Boxes other apps add to the agent's ticket page (e.g. the knowledge base's known issues).
ticket_page_panels: Registry[TicketPanel] = Registry("ticket_page_panels")
# Widgets on every page of the public site (templates/base.html includes them), e.g. chat.
page_widgets: Registry[PageWidget] = Registry("page_widgets")
# Groups of headline cards other apps add to the managers' overview (e.g. live chat).
report_cards: Registry[ReportCards] = Registry("report_cards")
