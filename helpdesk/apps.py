from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Helpdesk")

    def ready(self) -> None:
        from core import registry

        from . import admin  # noqa: F401  (registers the ModelAdmins on admin_site)
        from .admin.workspace import REPORT_URLS, WORKSPACE
        from .roles import sync_roles
        from .selectors.reference import connect_signals

        registry.admin_index_sections.register(WORKSPACE.key, WORKSPACE, order=10)
        registry.admin_urls.register(REPORT_URLS.key, REPORT_URLS)
        connect_signals()  # edits of teams, categories, plans, calendars reach every process
        # After every app's migrations (the sender filter would miss later apps' permissions).
        post_migrate.connect(sync_roles, dispatch_uid="helpdesk.sync_roles")
