"""Reference data every integration needs: ticket categories and plugin versions."""

from rest_framework import viewsets

from helpdesk.models import Category, PluginVersion

from ..base import ApiViewSetMixin
from ..pagination import NumberedPagination
from ..serializers import CategorySerializer, PluginVersionSerializer


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
