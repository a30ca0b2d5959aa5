from rest_framework.routers import DefaultRouter

from .views import CategoryViewSet, PluginVersionViewSet, TicketViewSet

router = DefaultRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("categories", CategoryViewSet, basename="category")
router.register("plugin-versions", PluginVersionViewSet, basename="pluginversion")
urlpatterns = router.urls
