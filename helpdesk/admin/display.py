"""Small HTML pieces the ticket lists share: status, priority and SLA badges."""

from html import escape  # as django.utils.html.escape, without its lazy-string check

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from helpdesk.models import Ticket
from helpdesk.sla.status import SlaBadge


def status_badge(ticket: Ticket) -> SafeString:
    return format_html(
        '<span class="kx-pill kx-status-{}">{}</span>', ticket.status, ticket.get_status_display()
    )


def priority_badge(ticket: Ticket) -> SafeString:
    return format_html(
        '<span class="kx-pill kx-priority-{}">{}</span>', ticket.priority, ticket.get_priority_display()
    )


def sla_badge(badge: SlaBadge | None) -> SafeString:
    """The badge with its target and due time (in the agent's zone) as a tooltip.

    Plain formatting with `escape` rather than `format_html` and `date_format`: the queue
    renders fifty of these a page, and the output is the same."""
    if badge is None:
        return mark_safe(f'<span class="kx-sla kx-sla-none">{escape(_("No SLA"))}</span>')
    title = ""
    if badge.due_at is not None:
        title = _("%(target)s due %(due)s") % {
            "target": badge.target_label,
            "due": timezone.localtime(badge.due_at).strftime("%Y-%m-%d %H:%M"),
        }
    pill = f'<span class="kx-sla kx-sla-{escape(badge.state)}" title="{escape(title)}">{escape(badge.label)}</span>'
    remaining = badge.remaining_text
    if not remaining:
        return mark_safe(pill)
    return mark_safe(f'{pill}<span class="kx-sla-left">{escape(remaining)}</span>')
