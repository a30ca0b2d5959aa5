from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        # django.contrib.admin runs as SimpleAdminConfig (no autodiscover).
        from core import registry

        from . import admin  # noqa: F401
        from .admin.tickets import publish_solution_to_forum
        from .panels import PANEL

        # After the knowledge base's three panels (orders 0, 10, 20).
        registry.home_panels.register(PANEL.key, PANEL, order=30)
        registry.ticket_admin_actions.register("community.publish_solution", publish_solution_to_forum)
        registry.search_kinds.register("topic", _("Forum topic"))
