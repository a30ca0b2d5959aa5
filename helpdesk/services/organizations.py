"""The versions an organization runs: learnt from its tickets, corrected by its admin."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import Organization, User
from helpdesk.versioning import is_older, version_key


def note_versions(
    organization: Organization, *, plugin_version: str, erp_version: str, now: datetime | None = None
) -> bool:
    """Record the versions a new ticket reports, when they tell us something new.

    A plugin version moves the record forward only (one old installation reporting a problem
    does not make the whole company "on 3.1" again); an ERP version fills a blank. One UPDATE
    when something changes, none otherwise. Returns whether the record changed.
    """
    changes: dict[str, object] = {}
    if version_key(plugin_version) is not None and (
        not organization.plugin_version or is_older(organization.plugin_version, plugin_version)
    ):
        changes["plugin_version"] = plugin_version.strip()
    if erp_version and not organization.erp_version:
        changes["erp_version"] = erp_version.strip()[:60]
    if not changes:
        return False
    changes["versions_updated_at"] = resolve_now(now)
    Organization.objects.filter(pk=organization.pk).update(**changes)
    for name, value in changes.items():
        setattr(organization, name, value)
    return True


@transaction.atomic
def set_versions(
    *,
    organization: Organization,
    plugin_version: str,
    erp_version: str,
    actor: User,
    now: datetime | None = None,
) -> Organization:
    """The organization's admin (or staff) states the versions in use."""
    profile = getattr(actor, "customer_profile", None)
    if not actor.is_staff and not (
        profile and profile.is_org_admin and profile.organization_id == organization.pk
    ):
        raise ValidationError(_("Only your organization's admin can change its versions."))
    plugin_version = plugin_version.strip()
    if plugin_version and version_key(plugin_version) is None:
        raise ValidationError(
            {"plugin_version": _("Write the version as numbers separated by dots, e.g. 3.2.1.")}
        )
    organization.plugin_version = plugin_version
    organization.erp_version = erp_version.strip()[:60]
    organization.versions_updated_at = resolve_now(now)
    organization.save(update_fields=["plugin_version", "erp_version", "versions_updated_at"])
    return organization


@transaction.atomic
def set_update_preferences(
    *, profile, notify_releases: bool, notify_maintenance: bool, now: datetime | None = None
):
    """Which update mails a customer wants. Opting in to release mail starts from now:
    the first digest lists releases published after the opt-in, not the whole history."""
    if notify_releases and not profile.notify_releases:
        profile.releases_notified_at = resolve_now(now)
    profile.notify_releases = notify_releases
    profile.notify_maintenance = notify_maintenance
    profile.save(update_fields=["notify_releases", "notify_maintenance", "releases_notified_at"])
    return profile
