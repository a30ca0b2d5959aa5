from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgebaseConfig(AppConfig):
    name = "knowledgebase"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        # django.contrib.admin runs as SimpleAdminConfig (no autodiscover).
        from core import registry

        from . import admin  # noqa: F401
        from .admin.articles import create_article_from_ticket
        from .panels import PANELS

        registry.ticket_admin_actions.register("knowledgebase.draft_article", create_article_from_ticket)
        for order, panel in enumerate(PANELS):
            registry.home_panels.register(panel.key, panel, order=order * 10)
