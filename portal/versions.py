"""Reads for the portal's "your version" card, the plans page's version table and the banner."""

from dataclasses import dataclass, field
from datetime import date, datetime

from core.clock import resolve_now
from helpdesk.models import Organization, PluginVersion, SupportStatus, User
from helpdesk.selectors.maintenance import announced_windows
from helpdesk.versioning import sort_versions, version_key
from knowledgebase.models import Article
from knowledgebase.selectors import versions as kb_versions


@dataclass
class VersionCard:
    organization: Organization
    can_edit: bool
    new_releases: list[Article] = field(default_factory=list)
    affecting: list[Article] = field(default_factory=list)
    status: str = ""


def version_card(*, user: User, today: date, now: datetime | None = None) -> VersionCard | None:
    """What the reader's organization runs and what that means; None for non-customers."""
    profile = getattr(user, "customer_profile", None) if user.is_authenticated else None
    if profile is None:
        return None
    organization = profile.organization
    card = VersionCard(organization=organization, can_edit=profile.is_org_admin)
    version = organization.plugin_version
    if version_key(version) is None:
        return card
    card.new_releases = kb_versions.new_since_version(user=user, version=version, now=now)
    card.affecting = kb_versions.known_issues_affecting(user=user, version=version, now=now)
    known = PluginVersion.objects.filter(version=version).first()
    card.status = known.support_status(today) if known else ""
    return card


@dataclass(frozen=True)
class VersionSupport:
    version: PluginVersion
    status: str
    label: str


def version_support(*, today: date) -> list[VersionSupport]:
    """Every plugin version, newest first, with its support status on `today`."""
    labels = dict(SupportStatus.choices)
    versions = sort_versions(list(PluginVersion.objects.all()), key=lambda v: v.version, reverse=True)
    rows = []
    for version in versions:
        status = version.support_status(today)
        rows.append(VersionSupport(version=version, status=status, label=str(labels[status])))
    return rows


@dataclass(frozen=True)
class Announcement:
    window: object
    current: bool


def maintenance_windows(*, now: datetime | None = None) -> list[Announcement]:
    """Announced windows, soonest first, each saying whether it is under way."""
    now = resolve_now(now)
    return [Announcement(window=w, current=w.is_current(now)) for w in announced_windows(now=now)]


def current_maintenance(*, now: datetime | None = None):
    return next((a.window for a in maintenance_windows(now=now) if a.current), None)
