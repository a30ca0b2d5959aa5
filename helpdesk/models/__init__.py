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
from .organizations import Category, Organization, PluginVersion, Team
from .outbox import OutboundEmail
from .sla import BusinessCalendar, BusinessHours, CalendarOverride, SLAPlan, SLATarget, Weekday
from .submissions import SubmissionAttempt
from .tickets import (
    Attachment,
    CannedResponse,
    InvalidTransition,
    SatisfactionRating,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketPause,
)
from .users import CustomerProfile, User

__all__ = [
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
    "SubmissionAttempt",
    "Team",
    "Ticket",
    "TicketEvent",
    "TicketMessage",
    "TicketPause",
    "User",
    "Weekday",
]
