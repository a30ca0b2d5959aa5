from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgebaseConfig(AppConfig):
    name = "knowledgebase"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        # django.contrib.admin runs as SimpleAdminConfig (no autodiscover).
        from core import registry
        from search import labels

        from . import admin  # noqa: F401
        from .admin import known_issues
        from .admin.articles import create_article_from_ticket
        from .models import Kind
        from .panels import PANELS

        registry.ticket_admin_actions.register("knowledgebase.draft_article", create_article_from_ticket)
        for kind, label in Kind.choices:  # search badges in the reader's language
            labels.register(kind, label)
        registry.ticket_admin_actions.register(
            "knowledgebase.link_known_issue", known_issues.link_to_known_issue
        )
        registry.ticket_page_panels.register(known_issues.TICKET_PANEL.key, known_issues.TICKET_PANEL)
        registry.admin_urls.register(known_issues.ADMIN_URLS.key, known_issues.ADMIN_URLS)
        for order, panel in enumerate(PANELS):
            registry.home_panels.register(panel.key, panel, order=order * 10)
