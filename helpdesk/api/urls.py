from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    AttachmentViewSet,
    CategoryViewSet,
    MaintenanceWindowViewSet,
    PluginVersionViewSet,
    SlaReportView,
    TicketViewSet,
)

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("attachments", AttachmentViewSet, basename="attachment")
router.register("categories", CategoryViewSet, basename="category")
router.register("plugin-versions", PluginVersionViewSet, basename="pluginversion")
router.register("maintenance-windows", MaintenanceWindowViewSet, basename="maintenancewindow")
urlpatterns = [*router.urls, path("reports/sla/", SlaReportView.as_view(), name="report-sla")]
