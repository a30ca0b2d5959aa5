"""The project's admin site: branding, plus the pages and index blocks apps register.

The site itself knows no app. The helpdesk registers the agent's workspace panels and the
report pages through `core.registry` (see `helpdesk.apps`), the knowledge base its own
pages the same way.
"""

from django.contrib import admin
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from core.registry import admin_index_sections, admin_urls


class KuaixiangAdminSite(admin.AdminSite):
    site_header = _("Kuaixiang Service Desk")
    site_title = _("Kuaixiang Service Desk")
    index_title = _("My work")
    index_template = "admin/kuaixiang_index.html"
    # The queue needs the width more than a second app list does; the index lists the apps.
    enable_nav_sidebar = False

    def each_context(self, request):
        # Django's each_context builds the whole app list (a permission check and several
        # URL reversals per registered model) for the navigation sidebar on every admin
        # page. The sidebar is off here, so the list is built only if a template reads it.
        script_name = request.META["SCRIPT_NAME"]
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": script_name if self.site_url == "/" and script_name else self.site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.get_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }

    def get_urls(self):
        extra = [pattern for entry in admin_urls for pattern in entry.build(self)]
        return [*extra, *super().get_urls()]

    def index(self, request, extra_context=None):
        sections = [
            {"key": section.key, "template": section.template, **section.context(request)}
            for section in admin_index_sections
        ]
        context = {"index_sections": sections, **(extra_context or {})}
        return super().index(request, extra_context=context)


admin_site = KuaixiangAdminSite(name="admin")
