"""REST API v1 of the helpdesk: reads are filtered viewsets over selectors; writes go
input serializer → service → output serializer."""

from .files import AttachmentViewSet
from .reference import CategoryViewSet, PluginVersionViewSet
from .reports import SlaReportView
from .tickets import TicketViewSet

__all__ = ["AttachmentViewSet", "CategoryViewSet", "PluginVersionViewSet", "SlaReportView", "TicketViewSet"]
