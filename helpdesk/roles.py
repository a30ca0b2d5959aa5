"""The Agents and Managers groups and their permissions, kept in step after every migrate.

Migration 0005 creates the groups; a post_migrate handler keeps them in step, so permissions
of apps migrated later (knowledge base, community) join without another migration.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

AGENTS = "Agents"
MANAGERS = "Managers"

# (app_label, codename prefix or exact codename)
AGENT_PERMISSIONS = [
    ("helpdesk", "view_"),
    ("helpdesk", "add_ticket"),
    ("helpdesk", "change_ticket"),
    ("helpdesk", "add_ticketmessage"),
    ("helpdesk", "add_attachment"),
    ("helpdesk", "add_cannedresponse"),
    ("helpdesk", "change_cannedresponse"),
    # Their own API keys (the admin shows each agent only theirs).
    ("helpdesk", "add_apikey"),
    # Accepting or discarding inbound mail held for review.
    ("helpdesk", "change_inboundmessage"),
    ("knowledgebase", "view_"),
    ("knowledgebase", "add_"),
    ("knowledgebase", "change_"),
    ("search", "view_"),
    ("search", "add_"),
    ("search", "change_"),
    ("portal", "view_"),
    ("community", "view_"),
    ("community", "change_"),
]
MANAGER_EXTRA = [
    ("helpdesk", "view_reports"),
    ("helpdesk", "add_"),
    ("helpdesk", "change_"),
    ("helpdesk", "delete_cannedresponse"),
    ("helpdesk", "delete_calendaroverride"),
    ("helpdesk", "delete_businesshours"),
    ("helpdesk", "delete_slatarget"),
    ("knowledgebase", "delete_"),
    ("search", "delete_"),
    ("community", "delete_"),
]
# Never granted through roles: the audit trail and user administration stay with superusers.
EXCLUDED = {"change_ticketevent", "add_ticketevent", "add_user", "change_user", "add_group", "change_group"}


def _permissions(
    spec: list[tuple[str, str]], exclude: frozenset[str] = frozenset(), *, Permission=Permission
):
    query = Q()
    for app_label, code in spec:
        if code.endswith("_"):
            query |= Q(content_type__app_label=app_label, codename__startswith=code)
        else:
            query |= Q(content_type__app_label=app_label, codename=code)
    return Permission.objects.filter(query).exclude(codename__in=EXCLUDED | exclude)


def sync_roles(*, Group=Group, Permission=Permission, **kwargs) -> None:
    """Create both groups and give them their permissions (idempotent).

    Called by migration 0005 (with historical models) and after every migrate, so that the
    permissions of apps migrated later join too.
    """
    agents, _ = Group.objects.get_or_create(name=AGENTS)
    managers, _ = Group.objects.get_or_create(name=MANAGERS)
    # Reports are for managers; "view_" would otherwise sweep view_reports in for agents.
    agents.permissions.set(
        _permissions(AGENT_PERMISSIONS, exclude=frozenset({"view_reports"}), Permission=Permission)
    )
    managers.permissions.set(_permissions(AGENT_PERMISSIONS + MANAGER_EXTRA, Permission=Permission))
