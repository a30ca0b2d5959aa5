"""Known issues as problems: linking the tickets they explain, and telling everyone when fixed.

Every write goes through the helpdesk's services: the fix reply is a public agent reply
(`helpdesk.services.conversation.add_reply`), status moves follow the workflow's rules,
audit events land on each ticket, and each requester gets one notice through the outbox
however many of their tickets the fix answers.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import (
    OPEN_STATUSES,
    EmailKind,
    InvalidTransition,
    PluginVersion,
    SatisfactionRating,
    Status,
    Ticket,
    TicketEvent,
    User,
)
from helpdesk.services.conversation import Visibility, add_reply
from helpdesk.services.events import record_event
from helpdesk.services.outbox import queue_email
from knowledgebase.models import Article, ArticleStatus, IssueStatus, Kind, KnownIssueLink, LinkSource

from .articles import save_article

LANGUAGES = ("zh-hans", "en")
AFTER_FIX = (Status.PENDING_CUSTOMER, Status.RESOLVED)


def _check_issue(issue: Article) -> None:
    if issue.kind != Kind.KNOWN_ISSUE:
        raise ValidationError(_("Only a known issue can be linked to tickets."))


def link_tickets(
    *,
    issue: Article,
    tickets: Iterable[Ticket],
    actor: User,
    source: str = LinkSource.TICKET_PAGE,
    now: datetime | None = None,
) -> int:
    """Link tickets to a known issue (already linked ones are left alone); returns how many new."""
    _check_issue(issue)
    if not actor.is_staff:
        raise ValidationError(_("Only agents link tickets to known issues."))
    source = LinkSource(source)
    now = resolve_now(now)
    tickets = [t for t in tickets if t.merged_into_id is None]
    with transaction.atomic():
        already = set(
            KnownIssueLink.objects.filter(issue=issue, ticket__in=tickets).values_list("ticket_id", flat=True)
        )
        fresh = [t for t in tickets if t.pk not in already]
        KnownIssueLink.objects.bulk_create(
            [
                KnownIssueLink(issue=issue, ticket=t, source=source, linked_by=actor, linked_at=now)
                for t in fresh
            ]
        )
        for ticket in fresh:
            record_event(
                ticket=ticket,
                kind=TicketEvent.Kind.KNOWN_ISSUE,
                actor=actor,
                now=now,
                new=issue.title,
                data={"issue": issue.pk, "source": source.value},
            )
    return len(fresh)


@transaction.atomic
def unlink_ticket(*, issue: Article, ticket: Ticket, actor: User) -> bool:
    if not actor.is_staff:
        raise ValidationError(_("Only agents link tickets to known issues."))
    deleted, _rows = KnownIssueLink.objects.filter(issue=issue, ticket=ticket).delete()
    return bool(deleted)


def _release_note_url(version: PluginVersion) -> str:
    note = (
        Article.objects.filter(
            kind=Kind.RELEASE_NOTE, release_version=version, status=ArticleStatus.PUBLISHED
        )
        .only("slug")
        .first()
    )
    return f"{settings.PORTAL_BASE_URL}{note.get_absolute_url()}" if note else ""


def default_fix_replies(*, issue: Article, version: PluginVersion) -> dict[str, str]:
    """The reply the agent starts from, in each language; the agent edits it before sending."""
    context = {
        "issue": issue,
        "version": version.version,
        "issue_url": f"{settings.PORTAL_BASE_URL}{issue.get_absolute_url()}",
        "release_note_url": _release_note_url(version),
    }
    replies = {}
    for language in LANGUAGES:
        with translation.override(language):
            replies[language] = render_to_string("knowledgebase/known_issue_fix_reply.txt", context).strip()
    return replies


@dataclass(frozen=True)
class FixOutcome:
    replied: int  # tickets that got the fix reply
    requesters: int  # people mailed (once each)
    kept_status: int  # tickets whose status could not move (the workflow refused)


def _language_of(user: User) -> str:
    profile = getattr(user, "customer_profile", None)
    language = profile.language if profile and profile.language else settings.LANGUAGE_CODE
    return "zh-hans" if language.lower().startswith("zh") else "en"


def mark_fixed(
    *,
    issue: Article,
    version: PluginVersion,
    replies: dict[str, str],
    then: str,
    actor: User,
    now: datetime | None = None,
) -> FixOutcome:
    """The known issue is fixed in `version`: answer every linked open ticket and tell each requester.

    `replies` holds the reply text per language (`zh-hans`, `en`); each ticket gets the one in
    its requester's language. `then` moves the tickets to waiting on the customer or resolves
    them. A ticket already told about this fix is not answered twice (running it again after
    linking more tickets answers only the new ones).
    """
    _check_issue(issue)
    if not actor.is_staff:
        raise ValidationError(_("Only agents mark known issues fixed."))
    if then not in AFTER_FIX:
        raise ValidationError({"then": _("Choose whether the tickets wait on the customer or are resolved.")})
    replies = {language: (replies.get(language) or "").strip() for language in LANGUAGES}
    missing = [language for language, body in replies.items() if not body]
    if missing:
        raise ValidationError({"replies": _("Write the reply in both languages.")})
    now = resolve_now(now)
    with transaction.atomic():
        issue = Article.objects.select_for_update().get(pk=issue.pk)
        issue.issue_status = IssueStatus.FIXED
        issue.fixed_in = version
        issue.fixed_at = now
        save_article(
            article=issue, editor=actor, note=_("Fixed in %(version)s") % {"version": version}, now=now
        )
        links = list(
            KnownIssueLink.objects.filter(
                issue=issue, fix_notified_at__isnull=True, ticket__status__in=OPEN_STATUSES
            )
            .select_related("ticket__requester__customer_profile")
            .order_by("ticket_id")
        )
        by_requester: dict[int, list[Ticket]] = defaultdict(list)
        kept = 0
        for link in links:
            ticket = link.ticket
            body = replies[_language_of(ticket.requester)]
            try:
                add_reply(
                    ticket=ticket,
                    author=actor,
                    body=body,
                    visibility=Visibility.PUBLIC,
                    status=then,
                    notify=False,
                    now=now,
                )
            except InvalidTransition:
                kept += 1
                add_reply(
                    ticket=ticket,
                    author=actor,
                    body=body,
                    visibility=Visibility.PUBLIC,
                    notify=False,
                    now=now,
                )
            ticket.refresh_from_db(fields=["status"])
            record_event(
                ticket=ticket,
                kind=TicketEvent.Kind.KNOWN_ISSUE_FIXED,
                actor=actor,
                now=now,
                new=version.version,
                data={"issue": issue.pk, "status": ticket.status},
            )
            link.fix_notified_at = now
            by_requester[ticket.requester_id].append(ticket)
        KnownIssueLink.objects.bulk_update(links, ["fix_notified_at"])
        _notify_requesters(issue=issue, version=version, by_requester=by_requester, now=now)
    return FixOutcome(replied=len(links), requesters=len(by_requester), kept_status=kept)


def _notify_requesters(
    *, issue: Article, version: PluginVersion, by_requester: dict[int, list[Ticket]], now: datetime
) -> None:
    tickets = [t for group in by_requester.values() for t in group]
    tokens = dict(
        SatisfactionRating.objects.filter(
            ticket__in=tickets, rated_at__isnull=True, surveyed_at=now
        ).values_list("ticket_id", "token")
    )
    for group in by_requester.values():
        requester = group[0].requester
        language = _language_of(requester)
        context = {
            "issue": issue,
            "version": version.version,
            "tickets": [{"ticket": t, "token": tokens.get(t.pk, "")} for t in group],
            "portal_url": settings.PORTAL_BASE_URL,
            "release_note_url": _release_note_url(version),
        }
        with translation.override(language):
            text = render_to_string("knowledgebase/email/known_issue_fixed.txt", context)
        subject, _sep, body = text.strip().partition("\n")
        queue_email(
            to=[requester.email],
            subject=subject.strip(),
            body=body.strip() + "\n",
            kind=EmailKind.KNOWN_ISSUE_FIXED,
            ticket=group[0],
            headers={"X-Kuaixiang-Ticket": ", ".join(t.reference for t in group)},
            now=now,
        )
