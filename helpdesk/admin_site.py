"""The agents' workspace: a branded admin site whose index shows the agent's own work."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class KuaixiangAdminSite(admin.AdminSite):
    site_header = _("Kuaixiang 服务台")
    site_title = _("Kuaixiang 服务台")
    index_title = _("My work")
    index_template = "admin/kuaixiang_index.html"

    def index(self, request, extra_context=None):
        from helpdesk.selectors.workspace import agent_workspace

        context = {"workspace": agent_workspace(user=request.user), **(extra_context or {})}
        return super().index(request, extra_context=context)


admin_site = KuaixiangAdminSite(name="admin")
