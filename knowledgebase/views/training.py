"""The training calendar, sign-up and cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.clock import resolve_now
from knowledgebase.selectors.training import access_session, training_calendar
from knowledgebase.services.training import cancel_signup, sign_up


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    sessions = list(training_calendar(user=request.user))
    now = resolve_now(None)
    context = {
        "upcoming": [s for s in sessions if s.starts_at > now],
        "past": [s for s in sessions if s.starts_at <= now][::-1],
    }
    return render(request, "knowledgebase/training.html", context)


@login_required
@require_POST
def signup(request: HttpRequest, pk: int) -> HttpResponse:
    session = access_session(pk=pk)
    try:
        sign_up(session=session, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You are signed up for “%(title)s”.") % {"title": session.title})
    return redirect(session.get_absolute_url())


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = access_session(pk=pk)
    try:
        cancelled = cancel_signup(session=session, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if cancelled:
            messages.success(request, _("Your seat in “%(title)s” is cancelled.") % {"title": session.title})
    return redirect(session.get_absolute_url())
