"""Helpdesk models, one module per concern."""

from .choices import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    Channel,
    Complexity,
    ErpSystem,
    Priority,
    Status,
)
from .conversation import (
    Attachment,
    CannedResponse,
    SatisfactionRating,
    TicketEvent,
    TicketMessage,
    TicketPause,
)
from .organizations import Category, Organization, PluginVersion, Team
from .outbox import OutboundEmail
from .sla import BusinessCalendar, BusinessHours, CalendarOverride, SLAPlan, SLATarget, Weekday
from .tickets import DESCRIPTION_FIELDS, InvalidTransition, Ticket
from .users import CustomerProfile, User

__all__ = [
    "DESCRIPTION_FIELDS",
    "OPEN_STATUSES",
    "PAUSED_STATUSES",
    "Attachment",
    "BusinessCalendar",
    "BusinessHours",
    "CalendarOverride",
    "CannedResponse",
    "Category",
    "Channel",
    "Complexity",
    "CustomerProfile",
    "ErpSystem",
    "InvalidTransition",
    "Organization",
    "OutboundEmail",
    "PluginVersion",
    "Priority",
    "SLAPlan",
    "SLATarget",
    "SatisfactionRating",
    "Status",
    "Team",
    "Ticket",
    "TicketEvent",
    "TicketMessage",
    "TicketPause",
    "User",
    "Weekday",
]
