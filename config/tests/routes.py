"""Walking the URL resolver for the no-500 crawl: every route, its parameters and converters.

Used by test_no_server_errors.py; kept apart so each module stays readable.
"""

import functools
import re
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.regex_helper import normalize

# --- Walking the resolver -----------------------------------------------------------------------
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
_REGEX_PARAMETER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class Param:
    name: str
    converter: object | None  # None: a named group of a regex route


@dataclass(frozen=True)
class Route:
    text: str  # the pattern as written, prefixes joined: "tickets/<str:reference>/"
    name: str  # "portal:ticket_detail"; unnamed routes get ":" + their pattern
    pieces: tuple  # literal strings and Params, in order
    callback: Callable
    namespaces: tuple[str, ...]
    problems: tuple[str, ...] = ()

    @property
    def params(self) -> list[Param]:
        return [piece for piece in self.pieces if isinstance(piece, Param)]

    @property
    def is_admin(self) -> bool:
        return "admin" in self.namespaces


def _pieces(pattern) -> tuple[tuple, list[str]]:
    """A pattern's literal text and parameters, and why it cannot be filled if it cannot."""
    if isinstance(pattern, RoutePattern):
        route, pieces, at = str(pattern), [], 0
        for match in _ROUTE_PARAMETER.finditer(route):
            pieces += [
                route[at : match.start()],
                Param(match["parameter"], pattern.converters[match["parameter"]]),
            ]
            at = match.end()
        return (*pieces, route[at:]), []
    if isinstance(pattern, RegexPattern):
        forms = normalize(pattern.regex.pattern)
        text, names = forms[0] if forms else ("", [])
        if set(names) != set(pattern.regex.groupindex):
            return (), [f"regex {pattern.regex.pattern!r} cannot be written out as a path"]
        parts = _REGEX_PARAMETER.split(text)
        pieces = [Param(part, None) if i % 2 else part for i, part in enumerate(parts)]
        return tuple(pieces), []
    return (), [f"unknown pattern type {type(pattern).__name__}"]


def walk(patterns=None, pieces=(), text="", namespaces=(), problems=()) -> Iterator[Route]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        own, trouble = _pieces(entry.pattern)
        joined = text + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(
                entry.url_patterns,
                (*pieces, *own),
                joined,
                (*namespaces, entry.namespace) if entry.namespace else namespaces,
                (*problems, *trouble),
            )
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else ":" + joined
            yield Route(joined, name, (*pieces, *own), entry.callback, namespaces, (*problems, *trouble))


def routes() -> list[Route]:
    """Every route once (the same pattern twice in the resolver is crawled once)."""
    return list({route.text: route for route in walk()}.values())


@functools.cache
def model_admin_of(route: Route) -> admin.ModelAdmin | None:
    """The ModelAdmin serving an admin route: Django tags its wrapped views; else the URL prefix."""
    found = getattr(route.callback, "model_admin", None)
    if found is not None:
        return found
    site = getattr(route.callback, "admin_site", None)
    for candidate in [site] if site else admin_sites():
        for model, model_admin in candidate._registry.items():
            prefix = f"{model._meta.app_label}/{model._meta.model_name}/"
            if route.text.split("/", 1)[-1].startswith(prefix):
                return model_admin
    return None


@functools.cache
def admin_sites() -> list[admin.AdminSite]:
    sites = {getattr(route.callback, "admin_site", None) for route in walk()}
    return [site for site in sites if site is not None]


def changelist_query(model_admin: admin.ModelAdmin, odd: str) -> str:
    """The admin's own knobs with odd values; an unknown parameter would only redirect to ?e=1."""
    params = [f"p=999999&o=-99&q={odd}"]
    for item in model_admin.list_filter:
        if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
            params.append(f"{item.parameter_name}={odd}")
    return "&".join(params)


BASE_DIR = Path(settings.BASE_DIR)


# --- Where a request broke ------------------------------------------------------------------
def _short(frame) -> str:
    name = frame.filename.split("/site-packages/")[-1]
    if name.startswith(str(BASE_DIR)):
        name = str(Path(name).relative_to(BASE_DIR))
    return f"{name}:{frame.lineno} in {frame.name}"


PLUMBING = ("django/db/", "django/template/", "django/urls/", "django/utils/", "django/core/handlers/")


def _where(tb) -> str:
    """Where it broke: the innermost frame that is not plumbing, and the innermost in our code."""
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if f.filename.startswith(str(BASE_DIR)) and "/.venv/" not in f.filename]
    theirs = [f for f in frames if not any(part in f.filename for part in PLUMBING)]
    where = [_short((theirs or frames)[-1])]
    if ours and ours[-1] is not (theirs or frames)[-1]:
        where.append(f"ours: {_short(ours[-1])}")
    return "; ".join(where)


def summary(exc_info) -> str:
    if not exc_info:
        return ""
    kind, value, tb = exc_info
    return f"{kind.__name__}: {str(value)[:160]} [{_where(tb)}]"
