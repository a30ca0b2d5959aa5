"""How a customer's ticket page names things: statuses from the customer's side, and the
people handling the request by first name only (never an email address or a role label)."""

from django import template

from helpdesk.models.choices import CUSTOMER_STATUS_LABELS

register = template.Library()


@register.filter
def customer_status(status: str) -> str:
    return str(CUSTOMER_STATUS_LABELS.get(status, status))


@register.filter
def first_name(user) -> str:
    """The first word of the person's name: "李客服 Li" → "李客服", "Anna Müller" → "Anna".

    Without a name, an agent is "" (the page then says "the support team"), never the
    address's local part, which would leak most of a staff email address."""
    if user is None:
        return ""
    name = (getattr(user, "full_name", "") or "").strip()
    return name.split()[0] if name else ""
