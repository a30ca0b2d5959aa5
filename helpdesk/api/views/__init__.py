"""REST API v1 of the helpdesk: reads are filtered viewsets over selectors; writes go
input serializer → service → output serializer."""

from .files import AttachmentViewSet
from .reference import CategoryViewSet, MaintenanceWindowViewSet, PluginVersionViewSet
from .reports import SlaReportView
from .tickets import TicketViewSet

__all__ = [
    "AttachmentViewSet",
    "CategoryViewSet",
    "MaintenanceWindowViewSet",
    "PluginVersionViewSet",
    "SlaReportView",
    "TicketViewSet",
]
