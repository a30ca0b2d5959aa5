"""How a customer's ticket page names statuses: from the customer's side. (People are named
by `User.name_for_customers`.)"""

from django import template

from helpdesk.models.choices import CUSTOMER_STATUS_LABELS

register = template.Library()


@register.filter
def customer_status(status: str) -> str:
    return str(CUSTOMER_STATUS_LABELS.get(status, status))
