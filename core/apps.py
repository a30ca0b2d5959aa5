from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from core.db_stats import analyze_after_migrate

        post_migrate.connect(analyze_after_migrate, dispatch_uid="core.analyze_after_migrate")
