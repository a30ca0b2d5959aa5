"""Reference data every integration needs: ticket categories, plugin versions, maintenance."""

from rest_framework import viewsets
from rest_framework.response import Response

from helpdesk.models import Category, PluginVersion
from helpdesk.selectors.maintenance import announced_windows

from ..base import ApiViewSetMixin
from ..pagination import NumberedPagination
from ..serializers import CategorySerializer, MaintenanceWindowSerializer, PluginVersionSerializer


class CategoryViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Ticket categories (for `category` when opening a ticket). Any valid key reads them."""

    queryset = Category.objects.filter(is_active=True).order_by("name", "pk")
    serializer_class = CategorySerializer
    pagination_class = NumberedPagination
    lookup_field = "slug"


class PluginVersionViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = PluginVersion.objects.order_by("-released_on", "-pk")
    serializer_class = PluginVersionSerializer
    pagination_class = NumberedPagination
    lookup_field = "version"
    lookup_value_regex = r"[\w.\-]+"


class MaintenanceWindowViewSet(ApiViewSetMixin, viewsets.GenericViewSet):
    """Current and upcoming announced maintenance windows (the next 14 days), soonest first."""

    serializer_class = MaintenanceWindowSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):  # for the schema; the list reads the announced windows
        from helpdesk.models import MaintenanceWindow

        return MaintenanceWindow.objects.none()

    def list(self, request):
        return Response(self.get_serializer(announced_windows(), many=True).data)
