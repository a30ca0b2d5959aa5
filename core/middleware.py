"""Request-wide middleware: the user's time zone, and refusing NUL bytes before any view sees them."""

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

SESSION_TZ_KEY = "kx_timezone"


def user_timezone_name(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        profile = getattr(user, "customer_profile", None)
        if profile is not None:
            return profile.effective_timezone
    return request.session.get(SESSION_TZ_KEY) if hasattr(request, "session") else None


class UserTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = user_timezone_name(request)
        try:
            timezone.activate(ZoneInfo(name)) if name else timezone.deactivate()
        except (ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)


class RejectNullBytesMiddleware:
    """Answer 400 to requests with a NUL byte in the path, query or form fields.

    No legitimate input contains one, and PostgreSQL refuses NUL in text: without this, any
    view that looks up a slug or token from the URL would turn "%00" into a 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            "\x00" in request.path
            or _has_null(request.GET)
            or (request.method == "POST" and _has_null(request.POST))
        ):
            message = _("The request contained an invalid character.")
            if request.path.startswith("/api/"):
                # The API's one error shape (helpdesk/api/errors.py), for integrators' parsers.
                return JsonResponse({"code": "invalid_character", "detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)


def _has_null(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)


class NoStoreWhenSignedInMiddleware:
    """`Cache-Control: no-store, private` on every page of a signed-in user and every API
    answer: a shared or back-button cache must never keep someone's tickets. Responses
    that set their own caching (static files, downloads) keep it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (signed_in or request.path.startswith("/api/")) and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
