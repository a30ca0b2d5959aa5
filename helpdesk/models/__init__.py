"""Helpdesk models, one module per concern."""

from .api_keys import ApiKey, ApiScope
from .choices import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    Channel,
    Complexity,
    ErpSystem,
    Priority,
    SlaTarget,
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
from .followers import TicketFollower
from .organizations import Category, Organization, PluginVersion, Team
from .outbox import EmailKind, OutboundEmail
from .sla import (
    BusinessCalendar,
    BusinessHours,
    CalendarOverride,
    OverrideSource,
    SLAPlan,
    SLATarget,
    Weekday,
)
from .tickets import DESCRIPTION_FIELDS, InvalidTransition, Ticket
from .users import CustomerProfile, User

__all__ = [
    "DESCRIPTION_FIELDS",
    "OPEN_STATUSES",
    "PAUSED_STATUSES",
    "ApiKey",
    "ApiScope",
    "Attachment",
    "BusinessCalendar",
    "BusinessHours",
    "CalendarOverride",
    "CannedResponse",
    "Category",
    "Channel",
    "Complexity",
    "CustomerProfile",
    "EmailKind",
    "ErpSystem",
    "InvalidTransition",
    "Organization",
    "OutboundEmail",
    "OverrideSource",
    "PluginVersion",
    "Priority",
    "SLAPlan",
    "SLATarget",
    "SatisfactionRating",
    "SlaTarget",
    "Status",
    "Team",
    "Ticket",
    "TicketEvent",
    "TicketFollower",
    "TicketMessage",
    "TicketPause",
    "User",
    "Weekday",
]
