"""What a customer's own plugin version means for them: what is new since, what affects it.

Version strings are compared as versions (3.2.1 < 3.10.0, `helpdesk.versioning`), in Python:
a vendor ships tens of versions, so reading the version table once is cheaper and clearer
than encoding version order in SQL.
"""

from datetime import datetime

from django.db.models import Count, Prefetch, QuerySet

from helpdesk.models import OPEN_STATUSES, Organization, PluginVersion, Ticket
from helpdesk.versioning import is_older, version_key
from knowledgebase.models import Article, IssueStatus, Kind, KnownIssueLink
from search.selectors import normalise_for_index

from .articles import visible_articles


def organization_of(user) -> Organization | None:
    profile = getattr(user, "customer_profile", None) if user and user.is_authenticated else None
    return profile.organization if profile else None


def _reader_version(user, version: str | None) -> str:
    """The version asked about, else the one the reader's organization runs ("" for none)."""
    if version is not None:
        return version
    organization = organization_of(user)
    return organization.plugin_version if organization else ""


def _newer_version_ids(version: str) -> list[int]:
    return [pk for pk, text in PluginVersion.objects.values_list("pk", "version") if is_older(version, text)]


def new_since_version(
    *, user, version: str | None = None, limit: int = 5, now: datetime | None = None
) -> list[Article]:
    """Release notes of versions after the one the reader's organization runs, newest first."""
    version = _reader_version(user, version)
    if version_key(version) is None:
        return []
    notes = list(
        visible_articles(user=user, now=now)
        .filter(kind=Kind.RELEASE_NOTE, release_version__in=_newer_version_ids(version))
        .select_related("release_version")
        .only("title", "slug", "kind", "summary", "release_version__version", "published_at")
    )
    notes.sort(key=lambda a: version_key(a.release_version.version), reverse=True)
    return notes[:limit]


def affects(issue: Article, version: str, affected: list[str]) -> bool:
    """Whether a known issue concerns `version`: listed as affected and not fixed at or before it."""
    if version not in affected:
        return False
    if issue.issue_status == IssueStatus.FIXED and issue.fixed_in_id:
        return is_older(version, issue.fixed_in.version)
    return True


def known_issues_affecting(
    *, user, version: str | None = None, limit: int = 5, now: datetime | None = None
) -> list[Article]:
    """Known issues listing the reader's version as affected that it does not have the fix for."""
    version = _reader_version(user, version)
    if version_key(version) is None:
        return []
    issues = (
        visible_articles(user=user, now=now)
        .filter(kind=Kind.KNOWN_ISSUE, plugin_versions__version=version)
        .select_related("fixed_in")
        .prefetch_related(Prefetch("plugin_versions", queryset=PluginVersion.objects.only("version")))
        .only("title", "slug", "kind", "summary", "issue_status", "fixed_in__version", "published_at")
        .order_by("-published_at")
        .distinct()
    )
    found = [i for i in issues if affects(i, version, [v.version for v in i.plugin_versions.all()])]
    return found[:limit]


def known_issues_for_ticket(*, ticket: Ticket, user, now: datetime | None = None) -> list[Article]:
    """The known issues a ticket is linked to that its reader may see (with their workaround)."""
    return list(
        visible_articles(user=user, now=now)
        .filter(kind=Kind.KNOWN_ISSUE, ticket_links__ticket=ticket)
        .select_related("fixed_in")
        .order_by("-published_at")
    )


def linked_tickets(*, issue: Article) -> QuerySet[KnownIssueLink]:
    """For agents: every ticket linked to the issue, with requester and organization."""
    return (
        KnownIssueLink.objects.filter(issue=issue)
        .select_related("ticket__organization", "ticket__requester", "linked_by")
        .order_by("-linked_at")
    )


def affected_organizations(*, issue: Article) -> list[dict]:
    """Organizations with linked tickets: name, how many tickets, how many still open."""
    rows = (
        Ticket.objects.filter(known_issue_links__issue=issue)
        .values("organization_id", "organization__name")
        .annotate(tickets=Count("pk"))
        .order_by("-tickets", "organization__name")
    )
    open_counts = dict(
        Ticket.objects.filter(known_issue_links__issue=issue, status__in=OPEN_STATUSES)
        .values("organization_id")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "n")
    )
    return [
        {
            "id": row["organization_id"],
            "name": row["organization__name"],
            "tickets": row["tickets"],
            "open": open_counts.get(row["organization_id"], 0),
        }
        for row in rows
    ]


def open_issues_for_ticket(*, ticket: Ticket, user, now: datetime | None = None) -> list[Article]:
    """Known issues not fixed yet and not linked to the ticket (what the agent may link it to)."""
    return list(
        visible_articles(user=user, now=now)
        .filter(kind=Kind.KNOWN_ISSUE)
        .exclude(issue_status=IssueStatus.FIXED)
        .exclude(ticket_links__ticket=ticket)
        .prefetch_related(Prefetch("plugin_versions", queryset=PluginVersion.objects.only("version")))
        .only("title", "slug", "kind", "summary", "body_md", "issue_status", "published_at")
        .order_by("-published_at")[:MAX_OPEN_ISSUES]
    )


MAX_OPEN_ISSUES = 200


def _tokens(text: str) -> tuple[set[str], set[str]]:
    """(codes, words) of a text, tokenised the way the search index is."""
    codes, words = set(), set()
    for token in normalise_for_index(text).split():
        if any(c.isdigit() for c in token) and any(c.isalpha() for c in token) and len(token) >= 4:
            codes.add(token)
        elif len(token) >= 2 and not token.replace(".", "").isdigit():
            words.add(token)
    return codes, words


def suggest_for_ticket(
    *, ticket: Ticket, user, limit: int = 3, issues: list[Article] | None = None, now: datetime | None = None
) -> list[Article]:
    """Open known issues a ticket may be an instance of, best match first.

    Open known issues are few (tens), so they are matched here rather than through the
    ranked search: an error code in common is the strongest sign, then words of the error
    text in common, then the reported plugin version among the affected ones (tokenised
    like the search index). Words of the description are not used: in this domain every
    request mentions 凭证 and its ERP, which says nothing about which problem it is.
    `issues` reuses a list already read (`open_issues_for_ticket`).
    """
    if issues is None:
        issues = open_issues_for_ticket(ticket=ticket, user=user, now=now)
    if not issues:
        return []
    codes, _ = _tokens(" ".join((ticket.subject, ticket.error_message[:500])))
    _, words = _tokens(ticket.error_message[:500])
    version = (ticket.plugin_version or "").strip()
    scored = []
    for issue in issues:
        issue_codes, issue_words = _tokens(" ".join((issue.title, issue.summary, issue.body_md[:2000])))
        shared_codes, shared_words = len(codes & issue_codes), len(words & issue_words)
        version_match = bool(version) and version in {v.version for v in issue.plugin_versions.all()}
        if not (shared_codes or shared_words >= 2 or version_match):
            continue
        scored.append((shared_codes * 5 + shared_words + (2 if version_match else 0), issue))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].published_at.timestamp()))
    return [issue for _score, issue in scored[:limit]]
