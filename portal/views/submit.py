"""The submission wizard: summary → suggestions → detailed form → confirmation."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.clock import now
from core.forms import add_service_errors
from helpdesk.quality import score_description
from helpdesk.selectors.tickets import access_ticket
from helpdesk.services import staging
from helpdesk.uploads import keep_uploads
from portal import integrations, selectors
from portal.forms.submission import DeflectForm, SummaryForm, TicketDetailsForm, quality_fields
from portal.services import deflection
from portal.services.submission import submit_from_portal

from .decorators import customer_required

WIZARD_KEY = "portal_submission"
MAX_COUNTED_FILES = 20


def _wizard(request: HttpRequest) -> dict:
    return request.session.get(WIZARD_KEY) or {}


@customer_required
@require_http_methods(["GET", "POST"])
def summary(request: HttpRequest) -> HttpResponse:
    form = SummaryForm(request.POST or None, initial=_initial_summary(request))
    if request.method == "POST" and form.is_valid():
        subject = form.cleaned_data["subject"].strip()
        attempt = integrations.start_submission(user=request.user, summary=subject)
        request.session[WIZARD_KEY] = {
            "attempt": str(attempt.pk),
            "category": form.cleaned_data["category"].pk,
            "subject": subject,
        }
        return redirect("portal:submit_suggestions")
    return render(request, "portal/submit/summary.html", {"form": form})


def _initial_summary(request: HttpRequest) -> dict:
    wizard = _wizard(request)
    return {"category": wizard.get("category"), "subject": request.GET.get("q") or wizard.get("subject")}


@customer_required
@require_http_methods(["GET", "POST"])
def suggestions(request: HttpRequest) -> HttpResponse:
    wizard = _wizard(request)
    if not wizard:
        return redirect("portal:submit")
    if request.method == "POST":
        integrations.record_continue(attempt_id=uuid.UUID(wizard["attempt"]), user=request.user)
        return redirect("portal:submit_details")
    found = integrations.suggestions(user=request.user, query=wizard["subject"])
    # The summary is a search too (the admin's analytics list what found nothing); the log
    # is written after the response, never inside it.
    integrations.log_summary(user=request.user, summary=wizard["subject"], results=len(found))
    context = {
        "wizard": wizard,
        "suggestions": found,
        "deflect_url": reverse("portal:submit_deflect"),
        # Nothing found: the panel says so and offers the search page with the same words.
        "search_url": integrations.search_url(wizard["subject"]),
    }
    return render(request, "portal/submit/suggestions.html", context)


@customer_required
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render_details(request, _blank_details_form(request), [])
    key = _uuid(request.POST.get("submission_key"))
    existing = selectors.submitted_ticket(user=request.user, submission_key=key)
    if existing is not None:  # a resubmitted form or a double click
        return redirect("portal:submit_done", reference=existing.reference)
    uploads = keep_uploads(request)
    form = TicketDetailsForm(uploads.data, attachment_count=len(uploads.kept), upload_errors=uploads.errors)
    if form.is_valid():
        try:
            ticket = _submit(request, form, uploads.staged.token)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session.pop(WIZARD_KEY, None)
            return redirect("portal:submit_done", reference=ticket.reference)
    return _render_details(request, form, uploads.kept)


def _submit(request: HttpRequest, form: TicketDetailsForm, token: str):
    data = form.cleaned_data
    return submit_from_portal(
        requester=request.user,
        fields=form.ticket_fields(),
        submission_key=data["submission_key"],
        staging_token=token,
        attempt_id=data.get("attempt"),
    )


def _blank_details_form(request: HttpRequest) -> TicketDetailsForm:
    wizard = _wizard(request)
    organization = request.user.customer_profile.organization
    form = TicketDetailsForm(
        initial={
            "category": wizard.get("category"),
            "subject": wizard.get("subject", ""),
            "attempt": wizard.get("attempt"),
            "erp_system": organization.default_erp_system,
            "submission_key": uuid.uuid4(),
            "staging": staging.new_token(),
        }
    )
    return form


def _render_details(request: HttpRequest, form: TicketDetailsForm, kept: list) -> HttpResponse:
    # An untouched form gets a score for the meter but no list of complaints yet.
    report = form.report or score_description(quality_fields(form.initial))
    context = {"form": form, "kept_files": kept, "report": report, "show_findings": form.is_bound}
    return render(request, "portal/submit/details.html", context)


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@customer_required
def done(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = access_ticket(request.user, reference)
    context = {
        "ticket": ticket,
        "hours": selectors.arrival_hours(ticket=ticket),
        "promise": selectors.first_response_promise(ticket=ticket),
        "user_timezone": request.user.customer_profile.effective_timezone,
    }
    return render(request, "portal/submit/done.html", context)


@customer_required
@require_POST
def quality(request: HttpRequest) -> JsonResponse:
    """The live quality meter: the same rules as the server-side validation, as JSON."""
    try:
        count = max(0, min(int(request.POST.get("attachment_count", 0)), MAX_COUNTED_FILES))
    except ValueError:
        count = 0
    form = TicketDetailsForm(request.POST, attachment_count=count, now=now())
    form.full_clean()
    return JsonResponse(form.report.as_dict() if form.report else {})


@customer_required
@require_POST
def deflect(request: HttpRequest) -> HttpResponse:
    """The wizard's "This solved my problem": record it, then show the article that solved it."""
    form = DeflectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("We could not record that; your request was not submitted."))
        return redirect("knowledgebase:home")
    url = form.cleaned_data["url"]
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        url = ""
    try:
        deflection.record_deflection(
            attempt_id=form.cleaned_data["attempt"],
            user=request.user,
            url=url,
            title=form.cleaned_data["title"],
        )
    except ValidationError:
        messages.error(request, _("We could not find that request; nothing was submitted."))
        return redirect(url or "knowledgebase:home")
    messages.success(request, _("Glad that helped! Your request was not submitted — no need to wait for us."))
    return redirect(url or "knowledgebase:home")
