"""The search page and the suggestion endpoint, both over the one ranked search service."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from knowledgebase.forms import SearchForm, public_kind_choices, public_kinds
from knowledgebase.services.search_log import log_search
from search.selectors import search
from search.selectors import suggest as suggest_documents

PAGE_SIZE = 20
SUGGESTIONS = 5


def customer_erp_system(user) -> str | None:
    """The signed-in customer's ERP system (their organization's), favoured in suggestions."""
    if user is None or not user.is_authenticated or user.is_staff:
        return None
    profile = getattr(user, "customer_profile", None)
    return (profile.organization.default_erp_system or None) if profile is not None else None


def ticket_url(query: str) -> str | None:
    """The ticket form with the search words as its summary: nothing found is one click from help."""
    try:
        url = reverse("portal:submit")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({'q': query})}" if query else url


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    results, query, kind, page = None, "", "", 1
    if form.is_valid():
        query, kind, page = form.cleaned_data["q"], form.cleaned_data["kind"], form.cleaned_data["page"] or 1
        if query:
            # Public kinds only: the same index also holds agents-only ticket documents.
            kinds = [kind] if kind else public_kinds()
            offset = (page - 1) * PAGE_SIZE
            results = search(query=query, user=request.user, kinds=kinds, limit=PAGE_SIZE, offset=offset)
            if page == 1:
                log_search(query=query, results=results.total, user=request.user)
    context = {
        "form": form,
        "query": query,
        "kind": kind,
        "kinds": public_kind_choices(),
        "results": results,
        "page": page,
        "has_next": results is not None and results.total > page * PAGE_SIZE,
        "ticket_url": ticket_url(query),
    }
    return render(request, "knowledgebase/search.html", context)


@never_cache
@require_GET
def suggest(request: HttpRequest) -> JsonResponse:
    """Up to five matches for as-you-type panels; reads only, so it is safe to call often."""
    query = request.GET.get("q", "")[:200]
    allowed = public_kinds()
    kinds = [k for k in request.GET.getlist("kind") if k in allowed] or allowed
    hits = (
        suggest_documents(
            query=query,
            user=request.user,
            kinds=kinds,
            limit=SUGGESTIONS,
            erp_system=customer_erp_system(request.user),
        )
        if query.strip()
        else []
    )
    payload = [
        {
            "title": h.title,
            "url": h.url,
            "kind": h.kind,
            "kind_label": h.kind_label,
            "snippet": str(h.snippet),
        }
        for h in hits
    ]
    return JsonResponse({"results": payload})
