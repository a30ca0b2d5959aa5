from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgebaseConfig(AppConfig):
    name = "knowledgebase"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        # django.contrib.admin runs as SimpleAdminConfig (no autodiscover).
        from . import admin  # noqa: F401
