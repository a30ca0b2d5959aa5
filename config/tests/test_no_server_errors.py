"""No route answers 500: every route the URL resolver knows, with real and odd values, for everyone.

The routes come from `get_resolver()`, never from a list kept here, so a view is crawled the day
its URL is added. Each path parameter is filled through its converter (or, for a regex route,
its named group): once with a value naming an object made in crawl_world.py through the factories and
services, so pages render their happy path, and with odd values (a pk that does not exist, a
NUL, a traversal, a 300-character slug, Chinese text, SQL). A route that cannot be filled, a
converter this file does not know, a parameter with no real value, a ModelAdmin whose model
has no row, fails with its name instead of being skipped.

Each user kind gets GET, GET with odd query strings, POST with an empty body and POST with odd
form fields on the real path, and GET/POST on odd paths. Every request runs in a savepoint
that is rolled back, and the client's cookies are put back afterwards, so a delete in the
admin or a logout never changes what the next request sees.
"""

from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import quote, unquote

import pytest
from django.db import transaction
from django.test import Client
from django.urls import resolve
from django.urls.converters import IntConverter
from django.urls.exceptions import Resolver404

from .crawl_world import World, build_world
from .odd_input import ODD_BY_CONVERTER, ODD_FORM, ODD_QUERIES, ODD_SQL, ODD_TEXT
from .routes import Param, Route, admin_sites, changelist_query, model_admin_of, routes, summary

pytestmark = pytest.mark.django_db

USER_KINDS = ["anonymous", "customer", "agent", "superuser"]


# --- Filling routes -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    method: str
    url: str
    form: str = ""  # "", "empty", "odd" or "json"


@dataclass
class Plan:
    calls: list[Call]
    problems: list[str]


def _text(param: Param, value) -> str:
    raw = param.converter.to_url(value) if param.converter is not None else value
    return quote(str(raw), safe="/:@")


def _known(param: Param) -> bool:
    if param.converter is None:
        return True
    # DRF builds this class per router; it only ever holds a format suffix (".json/").
    return (
        type(param.converter) in ODD_BY_CONVERTER or type(param.converter).__name__ == "FormatSuffixConverter"
    )


def real_values(route: Route, param: Param, world: World) -> list:
    values = world.real.get((route.name, param.name))
    if callable(values):
        values = values()
    if values:
        return values
    model_admin = model_admin_of(route) if route.is_admin else None
    if model_admin is not None and param.name in {"object_id", "pk", "id"}:
        obj = world.objects.get(model_admin.model)
        return [obj.pk] if obj is not None else []
    return world.real.get(("", param.name), [])


def odd_values(param: Param) -> list[str]:
    if param.converter is None:
        return ODD_TEXT
    if type(param.converter).__name__ == "FormatSuffixConverter":
        return [".xml/", ".%00/"]
    return ODD_BY_CONVERTER[type(param.converter)]


def path_of(route: Route, values: dict[str, str]) -> str:
    return "/" + "".join(values[p.name] if isinstance(p, Param) else p for p in route.pieces)


def serves(route: Route, url: str) -> bool:
    """Whether the URL resolves to this very route (an odd value may fall through to another)."""
    try:
        match = resolve(unquote(url.split("?")[0]))
    except Resolver404:
        return False
    return match.func is route.callback and set(match.captured_kwargs) == {p.name for p in route.params}


def plan(route: Route, world: World, turn: int) -> Plan:
    """The calls for one route and one user kind; `turn` rotates the odd values between kinds."""
    problems = [f"{route.name} ({route.text}): {problem}" for problem in route.problems]
    for param in route.params:
        if not _known(param):
            problems.append(
                f"{route.name} ({route.text}): unknown converter {type(param.converter).__qualname__} "
                f"for <{param.name}>; teach test_no_server_errors its real and odd values"
            )
    if problems:
        return Plan([], problems)
    real = {}
    for param in route.params:
        values = real_values(route, param, world)
        if not values:
            problems.append(
                f"{route.name} ({route.text}): no real value for <{param.name}>; add one to build_world()"
            )
        real[param.name] = [_text(param, value) for value in values]
    if problems:
        return Plan([], problems)

    url = path_of(route, {name: values[0] for name, values in real.items()})
    if not serves(route, url):
        return Plan([], [f"{route.name} ({route.text}): the real path {url} does not resolve to it"])
    calls = [Call("GET", url)]
    calls += [
        Call("GET", path_of(route, {**{n: v[0] for n, v in real.items()}, name: other}))
        for name, values in real.items()
        for other in values[1:]
    ]
    model_admin = model_admin_of(route) if route.is_admin else None
    if model_admin is not None and route.name.endswith("_changelist"):
        odd = [ODD_SQL, quote("x" * 300), "9" * 25, "%3Cscript%3E"][turn % 4]
        calls.append(Call("GET", f"{url}?{changelist_query(model_admin, odd)}"))
    calls += [Call("GET", f"{url}?{query}") for query in ODD_QUERIES]
    calls += [Call("POST", url, "empty"), Call("POST", url, "odd")]
    if getattr(route.callback, "cls", None) is not None:  # a DRF view: a body that is not JSON
        calls.append(Call("POST", url, "json"))

    combos = [(p.name, value) for p in route.params for value in odd_values(p)]
    for index, method in ((2 * turn, "GET"), (2 * turn + 1, "POST")):
        if combos:
            name, value = combos[index % len(combos)]
            odd_url = path_of(route, {**{n: v[0] for n, v in real.items()}, name: value})
            calls.append(Call(method, odd_url, "odd" if method == "POST" else ""))
    return Plan(calls, [])


# --- Sending ------------------------------------------------------------------------------------
def send(client: Client, call: Call) -> tuple[int | str, str]:
    """One request, undone afterwards: rows roll back to a savepoint, cookies are put back."""
    cookies = SimpleCookie()
    cookies.update(client.cookies)
    try:
        with transaction.atomic():
            try:
                if call.method == "GET":
                    response = client.get(call.url)
                elif call.form == "json":
                    response = client.post(call.url, '{"subject": [', content_type="application/json")
                else:
                    response = client.post(call.url, ODD_FORM if call.form == "odd" else {})
            finally:
                transaction.set_rollback(True)
    except Exception as exc:  # the error page itself failed: still a server error, with its cause
        return "raised", summary((type(exc), exc, exc.__traceback__))
    finally:
        client.cookies = cookies
    return response.status_code, summary(response.exc_info)


def crawl(who: str) -> tuple[list[str], int]:
    world = build_world()
    client = Client(raise_request_exception=False)
    user = world.users.get(who)
    if user is not None:
        client.force_login(user)
    turn = USER_KINDS.index(who)
    offenders, problems, done = [], list(world.missing), set()
    for route in routes():
        if who == "superuser" and not route.is_admin:
            continue  # the superuser is there for the admin; elsewhere it is one more agent
        route_plan = plan(route, world, turn)
        problems += route_plan.problems
        for call in route_plan.calls:
            if call in done:
                continue
            done.add(call)
            status, cause = send(client, call)
            if status == "raised" or status >= 500:
                form = f" [{call.form} form]" if call.form else ""
                offenders.append(f"{call.method} {call.url[:140]}{form} as {who}: {status} {cause}")
    # The savepoints really undid every request: the admin's deletes left the rows in place.
    problems += [
        f"{model._meta.label} {obj.pk} vanished during the crawl: a request was not rolled back"
        for model, obj in world.objects.items()
        if obj is not None and not model._base_manager.filter(pk=obj.pk).exists()
    ]
    return [*(f"CANNOT CRAWL {p}" for p in problems), *offenders], len(done)


@pytest.mark.parametrize("who", USER_KINDS)
def test_no_route_answers_500(who):
    failures, sent = crawl(who)
    if failures:
        print(f"\n{len(failures)} of {sent} requests as {who} failed:", *failures, sep="\n  ")
    assert not failures, f"{len(failures)} of {sent} requests as {who} failed:\n" + "\n".join(failures)


def test_the_crawl_covers_every_model_admin_page():
    names = {route.name for route in routes()}
    expected = {
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
        for site in admin_sites()
        for model in site._registry
        for view in ("changelist", "add", "change", "delete", "history")
    }
    assert admin_sites(), "the crawl found no admin site in the resolver"
    assert expected - names == set()


def test_a_route_it_cannot_fill_fails_by_name():
    class MonthConverter:
        regex = r"\d{4}-\d{2}"

        def to_python(self, value):
            return value

        def to_url(self, value):
            return value

    def view(request, **kwargs):
        raise AssertionError("never requested")

    world = World(users={}, real={})
    new_converter = Route(
        "reports/<month:month>/",
        "reports:month",
        ("reports/", Param("month", MonthConverter()), "/"),
        view,
        (),
    )
    no_value = Route(
        "invoices/<int:invoice>/",
        "invoices:detail",
        ("invoices/", Param("invoice", IntConverter()), "/"),
        view,
        (),
    )
    assert plan(new_converter, world, 0).calls == []
    assert "unknown converter" in plan(new_converter, world, 0).problems[0]
    assert "MonthConverter" in plan(new_converter, world, 0).problems[0]
    assert plan(no_value, world, 0).calls == []
    assert "no real value for <invoice>" in plan(no_value, world, 0).problems[0]
