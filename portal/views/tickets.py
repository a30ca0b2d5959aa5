"""My requests: the list, one request with its conversation, reply, resolve, reopen, rate."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.clock import now as clock_now
from core.forms import add_service_errors
from core.paging import capped_page
from helpdesk.models import Status, Ticket
from helpdesk.quality import score_description
from helpdesk.selectors import tickets as ticket_selectors
from helpdesk.selectors.tickets import access_ticket
from helpdesk.services import followers, staging
from helpdesk.services.conversation import add_reply, reopen_with_reason
from helpdesk.services.intake import complete_details
from helpdesk.services.links import ticket_for_details_token
from helpdesk.services.workflow import can_customer_reopen, rate_ticket, set_status
from helpdesk.uploads import keep_uploads
from knowledgebase.selectors.versions import known_issues_for_ticket
from portal import selectors
from portal.forms.followers import AddFollowerForm
from portal.forms.submission import CompleteDetailsForm, quality_fields
from portal.forms.tickets import RatingForm, ReopenForm, ReplyForm, TicketFilterForm

from .decorators import customer_required

PAGE_SIZE = 20


@customer_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    org_admin = request.user.customer_profile.is_org_admin
    filters = TicketFilterForm(request.GET, org_admin=org_admin)
    tickets = selectors.my_tickets(user=request.user, **filters.filters())
    # Counted up to 1,000 and paged Previous / Next: an exact count of a big customer's
    # tickets was most of this page's time.
    page = capped_page(tickets, number=request.GET.get("page"), per_page=PAGE_SIZE)
    context = {"filters": filters, "page": page, "org_admin": org_admin}
    return render(request, "portal/tickets/list.html", context)


def _render_detail(request: HttpRequest, ticket: Ticket, **forms) -> HttpResponse:
    now = clock_now()
    pending = selectors.pending_rating(ticket) if ticket.status in (Status.RESOLVED, Status.CLOSED) else None
    context = {
        "ticket": ticket,
        "messages_list": selectors.conversation(ticket),
        "files": selectors.ticket_files(ticket),
        "can_reply": ticket.is_open or can_customer_reopen(ticket, now=now),
        "can_resolve": ticket.is_open and ticket.merged_into_id is None,
        "can_reopen": can_customer_reopen(ticket, now=now),
        "pending_rating": pending,
        "rating": selectors.latest_rating(ticket),
        "reply_form": forms.get("reply_form") or ReplyForm(initial={"staging": staging.new_token()}),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "rating_form": forms.get("rating_form") or RatingForm(),
        "kept_files": forms.get("kept_files", []),
        "known_issues": known_issues_for_ticket(ticket=ticket, user=request.user, now=now),
        **_followers_context(request, ticket, forms.get("follower_form")),
    }
    return render(request, "portal/tickets/detail.html", context)


def _followers_context(request: HttpRequest, ticket: Ticket, form: AddFollowerForm | None) -> dict:
    manage = followers.can_manage_followers(user=request.user, ticket=ticket)
    form = (form or AddFollowerForm(ticket=ticket)) if manage else None
    return {
        "followers": followers.followers_of(ticket=ticket),
        "can_manage_followers": manage,
        "follower_form": form,
        "colleagues_left": form.colleagues_left() if form is not None else False,
    }


@customer_required
@require_GET
def ticket_detail(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = access_ticket(request.user, reference)
    if ticket.merged_into_id and ticket.merged_into_id != ticket.pk:
        merged_into = ticket.merged_into
        if selectors.my_tickets(user=request.user).filter(pk=merged_into.pk).exists():
            messages.info(request, _("%(ref)s was merged into this request.") % {"ref": ticket.reference})
            return redirect(merged_into)
    return _render_detail(request, ticket)


@customer_required
@require_POST
def ticket_reply(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = access_ticket(request.user, reference)
    uploads = keep_uploads(request)
    form = ReplyForm(uploads.data, upload_errors=uploads.errors)
    if form.is_valid():
        try:
            add_reply(
                ticket=ticket, author=request.user, body=form.cleaned_data["body"], attachments=uploads.staged
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your reply was added."))
            return redirect(ticket)
    return _render_detail(request, ticket, reply_form=form, kept_files=uploads.kept)


@customer_required
@require_POST
def ticket_resolve(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = access_ticket(request.user, reference)
    try:
        set_status(ticket=ticket, status=Status.RESOLVED, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Marked as resolved. Thank you for letting us know!"))
    return redirect(ticket)


@customer_required
@require_POST
def ticket_reopen(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = access_ticket(request.user, reference)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, ticket, reopen_form=form)
    try:
        reopen_with_reason(ticket=ticket, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The request is open again; the team has been told."))
    return redirect(ticket)


@customer_required
@require_POST
def ticket_rate(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = access_ticket(request.user, reference)
    pending = selectors.pending_rating(ticket)
    form = RatingForm(request.POST)
    if pending is None:
        messages.info(request, _("This resolution has already been rated. Thank you!"))
        return redirect(ticket)
    if not form.is_valid():
        return _render_detail(request, ticket, rating_form=form)
    try:
        rate_ticket(token=pending.token, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you for your rating!"))
    return redirect(ticket)


def signed_details_link(view):
    """The details link in a "needs details" mail (helpdesk.services.links): it signs in a
    requester who has no password (a customer created from their first mail), once; anyone
    else signs in as usual and comes back here."""

    @wraps(view)
    def wrapper(request: HttpRequest, reference: str) -> HttpResponse:
        token = request.GET.get("k")
        if token and not request.user.is_authenticated:
            ticket = ticket_for_details_token(reference=reference, token=token)
            requester = ticket.requester if ticket else None
            if (
                requester
                and requester.is_active
                and not requester.is_staff
                and not requester.has_usable_password()
            ):
                login(request, requester, backend="helpdesk.backends.EmailBackend")
            return redirect(request.path)
        return view(request, reference)

    return wrapper


@signed_details_link
@customer_required
@require_http_methods(["GET", "POST"])
def ticket_complete(request: HttpRequest, reference: str) -> HttpResponse:
    """Add the details a ticket accepted by phone, mail or in the forum was missing."""
    ticket = access_ticket(request.user, reference)
    if not (ticket.needs_details and ticket.is_open):
        messages.info(request, _("This request has all the details it needs."))
        return redirect(ticket)
    if request.method == "GET":
        form = CompleteDetailsForm(ticket=ticket)
        form.initial["staging"] = staging.new_token()
        return _render_complete(request, ticket, form, [])
    uploads = keep_uploads(request)
    kept_count = len(uploads.kept) + len(ticket_selectors.request_files(ticket, internal=False))
    form = CompleteDetailsForm(
        uploads.data, ticket=ticket, attachment_count=kept_count, upload_errors=uploads.errors
    )
    if form.is_valid():
        try:
            complete_details(
                ticket=ticket,
                author=request.user,
                fields=form.description_fields(),
                attachments=uploads.staged,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Thank you — the details were added and the team can work on it now.")
            )
            return redirect(ticket)
    return _render_complete(request, ticket, form, uploads.kept)


def _render_complete(
    request: HttpRequest, ticket: Ticket, form: CompleteDetailsForm, kept: list
) -> HttpResponse:
    report = form.report or score_description(quality_fields(form.initial), category=ticket.category)
    context = {"form": form, "kept_files": kept, "report": report, "show_findings": True, "ticket": ticket}
    return render(request, "portal/tickets/complete.html", context)
