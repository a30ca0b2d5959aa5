"""Small HTML pieces the ticket lists share: status, priority and SLA badges."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
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
    """The badge with its target and due time (in the agent's zone) as a tooltip."""
    if badge is None:
        return format_html('<span class="kx-sla kx-sla-none">{}</span>', _("No SLA"))
    title = ""
    if badge.due_at is not None:
        title = _("%(target)s due %(due)s") % {
            "target": badge.target_label,
            "due": date_format(timezone.localtime(badge.due_at), "Y-m-d H:i"),
        }
    pill = format_html('<span class="kx-sla kx-sla-{}" title="{}">{}</span>', badge.state, title, badge.label)
    if not badge.remaining_text:
        return pill
    return format_html('{}<span class="kx-sla-left">{}</span>', pill, badge.remaining_text)
