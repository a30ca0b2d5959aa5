"""HTTP half of the customer's chat: suggestions while typing, "this solved it", file upload
(files travel over HTTP, the chat message references them), and the embeddable window."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from helpdesk.models import Category
from search.selectors import suggest as search_suggest

from . import services
from .widgets import widget_context


def customer_only(view):
    """Signed-in customers with an organization; anyone else gets a JSON 403 (or the login)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            if request.method == "GET" and view.__name__ == "window":
                return redirect_to_login(request.get_full_path())
            return JsonResponse({"error": "sign in"}, status=403)
        if user.is_staff or getattr(user, "customer_profile", None) is None:
            return JsonResponse({"error": "customers only"}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@customer_only
def suggest(request: HttpRequest) -> JsonResponse:
    query = (request.GET.get("q") or "")[:200].strip()
    if len(query) < 2:
        return JsonResponse({"results": []})
    erp_system = request.user.customer_profile.organization.default_erp_system or None
    hits = search_suggest(query=query, user=request.user, limit=4, erp_system=erp_system)
    return JsonResponse(
        {
            "results": [
                {"title": h.title, "url": h.url, "kind": str(h.kind_label), "solved": h.solved} for h in hits
            ]
        }
    )


@require_GET
@customer_only
def categories(request: HttpRequest) -> JsonResponse:
    """What a chat can be about, fetched when the chat opens (not on every page view)."""
    rows = Category.objects.filter(is_active=True).order_by("position", "name").values_list("pk", "name")
    return JsonResponse({"categories": [{"id": pk, "name": name} for pk, name in rows]})


@require_POST
@customer_only
def solved(request: HttpRequest) -> JsonResponse:
    category = Category.objects.filter(pk=_int(request.POST.get("category")), is_active=True).first()
    if category is None:
        return JsonResponse({"error": "category"}, status=400)
    services.record_deflection(
        customer=request.user,
        category=category,
        text=request.POST.get("text", ""),
        url=request.POST.get("url", ""),
        title=request.POST.get("title", ""),
    )
    return JsonResponse({"ok": True})


@require_POST
@customer_only
def upload(request: HttpRequest) -> JsonResponse:
    files = request.FILES.getlist("files")[: settings.ATTACHMENT_MAX_PER_MESSAGE + 1]
    token, staged, errors = services.stage_files(user=request.user, uploads=files)
    return JsonResponse(
        {
            "token": token if staged else "",
            "files": [{"name": item.name, "size": item.size} for item in staged],
            "errors": [" ".join(e.messages) for e in errors],
        },
        status=200 if staged or not errors else 400,
    )


@require_GET
@customer_only
def window(request: HttpRequest) -> HttpResponse:
    """The chat alone on a page, for the ERP plugin to open in its own window."""
    return render(request, "chat/window.html", {"chat": widget_context(request, embedded=True)})


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


__all__ = ["ValidationError", "categories", "solved", "suggest", "upload", "window"]
