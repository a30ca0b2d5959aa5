"""The home page: search, popular answers, support status, a way to submit a request."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal import integrations, selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "status": selectors.support_status(user=user, now=timezone.now()),
        "faqs": integrations.popular_faqs(user=user, limit=5),
        "articles": integrations.popular_articles(user=user, limit=5),
        "categories": integrations.top_categories(user=user),
        "topics": integrations.recent_topics(user=user, limit=5),
        "search_url": integrations.url_or_none("search"),
        "kb_url": integrations.url_or_none("knowledgebase:home"),
        "community_url": integrations.url_or_none("community:index"),
    }
    return render(request, "portal/home.html", context)
