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
from .idempotency import IdempotentRequest
from .integrations import (
    AlertEvent,
    OutboundRequest,
    Platform,
    TeamAlertChannel,
    WebhookEndpoint,
    WebhookEvent,
)
from .mail import InboundMessage, Mailbox
from .maintenance import MaintenanceWindow
from .organizations import Category, Organization, PluginVersion, SupportStatus, Team
from .outbox import EmailKind, OutboundEmail
from .rollups import ReportBacklog, ReportRollup, RollupCursor, TicketReportState
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
    "AlertEvent",
    "OutboundRequest",
    "Platform",
    "TeamAlertChannel",
    "WebhookEndpoint",
    "WebhookEvent",
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
    "InboundMessage",
    "IdempotentRequest",
    "InvalidTransition",
    "Mailbox",
    "MaintenanceWindow",
    "Organization",
    "OutboundEmail",
    "OverrideSource",
    "PluginVersion",
    "Priority",
    "ReportBacklog",
    "ReportRollup",
    "RollupCursor",
    "SLAPlan",
    "SLATarget",
    "SupportStatus",
    "SatisfactionRating",
    "SlaTarget",
    "Status",
    "Team",
    "Ticket",
    "TicketEvent",
    "TicketFollower",
    "TicketMessage",
    "TicketPause",
    "TicketReportState",
    "User",
    "Weekday",
]
