"""Public pages: the plans and the rating link from the survey email."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.clock import now
from helpdesk.services.workflow import rate_ticket
from portal import selectors
from portal.forms.tickets import RatingForm
from portal.versions import version_support


@require_GET
def plans(request: HttpRequest) -> HttpResponse:
    summaries = selectors.plans_overview(user=request.user)
    versions = version_support(today=timezone.localdate(now()))
    return render(request, "portal/plans.html", {"plans": summaries, "version_support": versions})


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The survey link: the token is the key, so it works without signing in; single use."""
    rating = selectors.rating_by_token(token)
    if rating is None or rating.rated_at is not None:
        return render(request, "portal/rate.html", {"rating": rating, "closed": True})
    initial = {"score": request.GET.get("score")} if request.GET.get("score") else None
    form = RatingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actor = request.user if request.user.is_authenticated else None
        try:
            rating = rate_ticket(token=token, actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "portal/rate.html", {"rating": rating, "thanks": True})
    return render(request, "portal/rate.html", {"rating": rating, "form": form})
