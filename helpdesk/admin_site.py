"""The agents' workspace: a branded admin site whose index shows the agent's own work."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

PANEL_TITLES = {
    "mine": _("My open tickets"),
    "unassigned": _("Unassigned"),
    "waiting": _("Waiting on the customer"),
    "recent": _("Recently updated"),
}
# Each panel links to the queue filtered the same way (query parameters of the changelist).
PANEL_QUERIES = {
    "mine": "assignee=me&status__in=new,open,pending_customer,on_hold",
    "unassigned": "assignee=none&status__in=new,open",
    "waiting": "assignee=me&status__exact=pending_customer",
    "recent": "",
}


class KuaixiangAdminSite(admin.AdminSite):
    site_header = _("Kuaixiang 服务台")
    site_title = _("Kuaixiang 服务台")
    index_title = _("My work")
    index_template = "admin/kuaixiang_index.html"
    # The queue needs the width more than a second app list does; the index lists the apps.
    enable_nav_sidebar = False

    def get_urls(self):
        from django.urls import path

        # Imported here: the reports module imports this one (for admin_site).
        from helpdesk.admin.reports import sla_report_view

        return [
            path("reports/sla/", self.admin_view(sla_report_view), name="reports_sla"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        from helpdesk.admin.sla import warn_missing_holidays
        from helpdesk.clock import resolve_now
        from helpdesk.selectors.workspace import agent_workspace, workspace_badges

        # Holidays missing for this (or, in December, next) year would silently count as
        # working days: say so where everyone looks first.
        if request.method == "GET" and request.user.has_perm("helpdesk.view_businesscalendar"):
            warn_missing_holidays(request)
        workspace = agent_workspace(user=request.user)
        badges = workspace_badges(workspace, now=resolve_now(None))
        panels = [
            {
                "key": key,
                "title": PANEL_TITLES[key],
                "query": PANEL_QUERIES[key],
                "rows": [(ticket, badges.get(ticket.pk)) for ticket in tickets],
            }
            for key, tickets in workspace.items()
        ]
        context = {"workspace": workspace, "workspace_panels": panels, **(extra_context or {})}
        return super().index(request, extra_context=context)


admin_site = KuaixiangAdminSite(name="admin")
