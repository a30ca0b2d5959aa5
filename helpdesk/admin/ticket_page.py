"""What the ticket page shows and the writes it triggers, kept out of the ModelAdmin.

Reads for the page (conversation, files, audit trail) are a fixed handful of queries;
writes call the conversation and ticket services only.
"""

from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from core.clock import resolve_now
from core.registry import ticket_page_panels
from helpdesk.models import Ticket, TicketMessage, User
from helpdesk.selectors import tickets as ticket_selectors
from helpdesk.services.conversation import Visibility, add_reply
from helpdesk.services.notifications import language_of
from helpdesk.sla.status import badges_for

from .forms import ADD_DETAIL_FIELDS, ReplyForm


def post_reply(*, ticket: Ticket, form: ReplyForm, author: User) -> TicketMessage:
    """A public reply (optionally moving the status) or an internal note."""
    data = form.cleaned_data
    return add_reply(
        ticket=ticket,
        author=author,
        body=data["body"],
        attachments=data["attachments"],
        visibility=Visibility.INTERNAL if data["kind"] == ReplyForm.NOTE else Visibility.PUBLIC,
        status=data["status"] or None,
    )


def _description(ticket: Ticket) -> list[tuple[str, Any, str]]:
    """(label, value, kind) rows of the structured description that have a value."""
    rows = []
    for name in ADD_DETAIL_FIELDS:
        field = Ticket._meta.get_field(name)
        value = getattr(ticket, name)
        if value in ("", None, False):
            continue
        if field.choices:
            value = getattr(ticket, f"get_{name}_display")()
        kind = "pre" if name == "error_message" else ("bool" if value is True else "text")
        rows.append((str(field.verbose_name), value, kind))
    return rows


def ticket_page_context(*, ticket: Ticket, reply_form: ReplyForm, request=None) -> dict[str, Any]:
    conversation = ticket_selectors.conversation(ticket, internal=True)
    loose_files = ticket_selectors.request_files(ticket, internal=True)
    events = ticket_selectors.audit_trail(ticket)
    # A macro's text in the customer's language (its title in the agent's, for choosing it).
    # Read once: the select's options are made from the same rows instead of a second query.
    field = reply_form.fields["canned"]
    responses = list(field.queryset)
    with translation.override(language_of(ticket.requester)):
        canned = {str(c.pk): c.body for c in responses}
    options = field.iterator(field)
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = [*empty, *(options.choice(c) for c in responses)]
    profile = getattr(ticket.requester, "customer_profile", None)
    return {
        "ticket": ticket,
        "sla": badges_for([ticket], now=resolve_now(None)).get(ticket.pk),
        "description": _description(ticket),
        "conversation": conversation,
        "loose_files": loose_files,
        "events": events,
        "reply_form": reply_form,
        "canned": canned,
        "requester_phone": profile.phone if profile else "",
        "agent_timezone": timezone.get_current_timezone_name(),
        "max_files": settings.ATTACHMENT_MAX_PER_MESSAGE,
        # Boxes other apps contribute (core.registry.ticket_page_panels), rendered here.
        "panels": [panel.render(ticket=ticket, request=request) for panel in ticket_page_panels]
        if request is not None
        else [],
    }
