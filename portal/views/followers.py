"""Followers on the customer's ticket page: add a colleague, remove one, or stop following."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from helpdesk.models import User
from helpdesk.selectors.tickets import access_ticket, visible_tickets
from helpdesk.services import followers as svc
from portal.forms.followers import AddFollowerForm

from .decorators import customer_required
from .tickets import _render_detail


@customer_required
@require_POST
def follower_add(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = access_ticket(request.user, reference)
    if not svc.can_manage_followers(user=request.user, ticket=ticket):
        raise Http404
    form = AddFollowerForm(request.POST, ticket=ticket)
    if form.is_valid():
        colleague = form.cleaned_data["user"]
        try:
            svc.add_follower(ticket=ticket, user=colleague, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            name = colleague.full_name or colleague.email
            messages.success(request, _("%(name)s now follows this request.") % {"name": name})
            return redirect(ticket)
    return _render_detail(request, ticket, follower_form=form)


@customer_required
@require_POST
def follower_remove(request: HttpRequest, reference: str, user_id: int) -> HttpResponse:
    ticket = access_ticket(request.user, reference)
    follower = User.objects.filter(pk=user_id, followed_tickets__ticket=ticket).first()
    if follower is None:
        raise Http404
    try:
        svc.remove_follower(ticket=ticket, user=follower, actor=request.user)
    except ValidationError:
        raise Http404 from None
    if follower.pk == request.user.pk and not visible_tickets(request.user).filter(pk=ticket.pk).exists():
        messages.success(request, _("You no longer follow %(ref)s.") % {"ref": ticket.reference})
        return redirect("portal:tickets")
    messages.success(
        request,
        _("%(name)s no longer follows this request.") % {"name": follower.full_name or follower.email},
    )
    return redirect(ticket)
