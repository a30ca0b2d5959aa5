"""Enumerations shared by tickets, routing and SLA targets."""

from functools import cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Complexity(models.TextChoices):
    SIMPLE = "simple", _("Simple (account, setup)")
    STANDARD = "standard", _("Standard")
    COMPLEX = "complex", _("Complex (deep ERP integration)")


class ErpSystem(models.TextChoices):
    KINGDEE = "kingdee", _("Kingdee 金蝶")
    YONYOU = "yonyou", _("Yonyou 用友")
    SAP = "sap", _("SAP")
    ORACLE = "oracle", _("Oracle")
    INSPUR = "inspur", _("Inspur 浪潮")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    # Values sort lexically in urgency order, so ORDER BY priority puts P1 first.
    P1 = "p1", _("P1 Urgent")
    P2 = "p2", _("P2 High")
    P3 = "p3", _("P3 Normal")
    P4 = "p4", _("P4 Low")


class Channel(models.TextChoices):
    WEB = "web", _("Web portal")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    API = "api", _("API")
    FORUM = "forum", _("Forum")


class SlaTarget(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("first response")
    NEXT_RESPONSE = "next_response", _("next response")
    RESOLUTION = "resolution", _("resolution")


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING_CUSTOMER = "pending_customer", _("Waiting on customer")
    ON_HOLD = "on_hold", _("On hold")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING_CUSTOMER, Status.ON_HOLD)
PAUSED_STATUSES = (Status.PENDING_CUSTOMER, Status.ON_HOLD)

# Which moves set_status accepts. Reopening a resolved ticket goes through reopen_ticket,
# which also counts the reopen; closed is final.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.OPEN, Status.PENDING_CUSTOMER, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED}
    ),
    Status.OPEN: frozenset({Status.PENDING_CUSTOMER, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED}),
    Status.PENDING_CUSTOMER: frozenset({Status.OPEN, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING_CUSTOMER, Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


@cache
def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_timezones()) if "/" in name or name == "UTC"]


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


# What the customer reads for each status (the portal, the customer's mails): said from their
# side. Agents keep the queue's words (Status labels): "Waiting on customer" is right for an
# agent and wrong for the customer it is waiting on.
CUSTOMER_STATUS_LABELS: dict[str, str] = {
    Status.NEW: pgettext_lazy("status shown to the customer", "Received"),
    Status.OPEN: pgettext_lazy("status shown to the customer", "In progress"),
    Status.PENDING_CUSTOMER: pgettext_lazy("status shown to the customer", "Awaiting your reply"),
    Status.ON_HOLD: pgettext_lazy("status shown to the customer", "On hold"),
    Status.RESOLVED: pgettext_lazy("status shown to the customer", "Resolved"),
    Status.CLOSED: pgettext_lazy("status shown to the customer", "Closed"),
}
