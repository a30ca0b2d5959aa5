"""Suggestions from the shared search, and the wizard's best-effort deflection records.

Home-page panels are not here: the apps that own them register them in
`core.registry.home_panels`.
"""

import uuid
from contextlib import suppress
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from helpdesk.models import Ticket, User
from knowledgebase.services.search_log import log_search
from portal.models import SubmissionAttempt
from portal.services import deflection
from search.selectors import suggest


def url_or_none(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


# --- Suggestions and deflection ------------------------------------------------------------


def suggestions(*, user: User, query: str, limit: int = 5) -> list[dict[str, str]]:
    """KB, FAQ and forum matches for the summary, shaped like the suggest endpoint's JSON.

    The same ranked search as the search page, a little stricter, favouring what is written
    for the customer's ERP system (their organization's default one).
    """
    if not query.strip():
        return []
    profile = getattr(user, "customer_profile", None) if user.is_authenticated else None
    erp_system = (profile.organization.default_erp_system or None) if profile is not None else None
    hits = suggest(query=query, user=user, limit=limit, erp_system=erp_system)
    return [
        {
            "title": h.title,
            "url": h.url,
            "kind": h.kind,
            "kind_label": h.kind_label,
            "snippet": str(h.snippet),
        }
        for h in hits
    ]


def log_summary(*, user: User, summary: str, results: int) -> None:
    """A wizard summary counts as a search in the admin's analytics (written after the response)."""
    log_search(query=summary, results=results, user=user)


def search_url(query: str) -> str | None:
    """The search page for `query`, offered when the suggestions found nothing."""
    url = url_or_none("search")
    return f"{url}?{urlencode({'q': query})}" if url and query else url


def start_submission(*, user: User, summary: str, now: datetime | None = None) -> SubmissionAttempt:
    return deflection.start_submission(user=user, summary=summary, now=now)


def record_continue(*, attempt_id: uuid.UUID, user: User, now: datetime | None = None) -> None:
    """Best effort: a stale or foreign attempt id must not stop the user from submitting."""
    with suppress(ValidationError):
        deflection.record_continue(attempt_id=attempt_id, user=user, now=now)


def link_ticket(*, attempt_id: uuid.UUID, user: User, ticket: Ticket, now: datetime | None = None) -> None:
    """Best effort, in a savepoint: the ticket stands even if the attempt id is stale."""
    with suppress(ValidationError), transaction.atomic():
        deflection.link_ticket(attempt_id=attempt_id, user=user, ticket=ticket, now=now)
