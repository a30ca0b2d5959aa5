"""The home page: search, the panels other apps register, support status, a way to submit."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.clock import now
from core.registry import home_panels
from portal import integrations, selectors
from portal.versions import version_card


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    panels = []
    for panel in home_panels:
        items = list(panel.items(user=user, limit=panel.limit))
        if items or not panel.hide_when_empty:
            more_url = integrations.url_or_none(panel.more_url) if panel.more_url else None
            panels.append({"key": panel.key, "title": panel.title, "items": items, "more_url": more_url})
    moment = now()
    context = {
        "status": selectors.support_status(user=user, now=moment),
        "version_card": version_card(user=user, today=timezone.localdate(moment), now=moment),
        "panels": panels,
        "search_url": integrations.url_or_none("search"),
    }
    return render(request, "portal/home.html", context)
