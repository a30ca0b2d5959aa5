"""Friendly, translated error pages that never leak details; JSON under /api/.

Django calls these for errors raised outside a view's own handling (a 404, a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, a CSRF failure, a crash). API clients get the API's error
shape (`{"detail": …}`) instead of a page.
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
# The API's error shape (helpdesk/api/errors.py): a stable code beside the translated detail.
API_CODES = {400: "bad_request", 403: "permission_denied"}


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _respond(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"code": API_CODES[status], "detail": message}, status=status)
    context = {"title": title, "message": message, "status": status}
    return render(request, "error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, TOO_LARGE):
        if _is_api(request):
            return JsonResponse(
                {"code": "request_too_large", "detail": _("The request body is too large.")}, status=413
            )
        return _respond(
            request,
            status=413,
            title=_("That was too much at once"),
            message=_(
                "The form was larger than we accept. Attach big files one by one (at most "
                "the size the form names), or shorten very long text."
            ),
        )
    return _respond(
        request,
        status=400,
        title=_("We could not read that request"),
        message=_("Something in the request was not valid. Go back, check the form and try again."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _respond(
        request,
        status=403,
        title=_("Not allowed"),
        message=_("You do not have permission to do that. Signing in with another account may help."),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"code": "server_error", "detail": _("Something went wrong on our side; it has been logged.")},
            status=500,
        )
    return render(request, "500.html", status=500)
