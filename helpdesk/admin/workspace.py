"""The agent's workspace on the admin index, and the helpdesk's extra admin pages.

Registered on the project admin site through `core.registry` from `HelpdeskConfig.ready`.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.clock import now
from core.registry import AdminSection, AdminUrls

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


def workspace_context(request) -> dict:
    from helpdesk.admin.sla import warn_missing_holidays
    from helpdesk.selectors.workspace import agent_workspace, workspace_badges

    # Holidays missing for this (or, in December, next) year would silently count as working
    # days: tell those who can fix it (calendar managers), once per session on the index.
    if request.method == "GET":
        warn_missing_holidays(request, once=True)
    workspace = agent_workspace(user=request.user)
    badges = workspace_badges(workspace, now=now())
    panels = [
        {
            "key": key,
            "title": PANEL_TITLES[key],
            "query": PANEL_QUERIES[key],
            "rows": [(ticket, badges.get(ticket.pk)) for ticket in tickets],
        }
        for key, tickets in workspace.items()
    ]
    return {"workspace": workspace, "workspace_panels": panels}


def report_urls(site) -> list:
    from helpdesk.admin.dashboards import breakdown_view, heatmap_view, overview_view
    from helpdesk.admin.reports import sla_report_view

    return [
        path("reports/sla/", site.admin_view(sla_report_view), name="reports_sla"),
        path("reports/", site.admin_view(overview_view), name="reports_overview"),
        path("reports/by/<slug:dimension>/", site.admin_view(breakdown_view), name="reports_breakdown"),
        path("reports/heatmap/", site.admin_view(heatmap_view), name="reports_heatmap"),
    ]


WORKSPACE = AdminSection(
    key="helpdesk.workspace", template="admin/helpdesk/workspace_index.html", context=workspace_context
)
REPORT_URLS = AdminUrls(key="helpdesk.reports", build=report_urls)
