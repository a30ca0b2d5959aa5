"""The portal's window onto the knowledge base and the community, which other apps own.

Everything the portal needs from them passes through here, so the views stay simple. The
community app is wired in when it provides `community.selectors.home.recent_topics`; until
then its panel is empty.
"""

import uuid
from contextlib import suppress
from datetime import datetime
from importlib import import_module
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from helpdesk.models import SubmissionAttempt, Ticket, User
from knowledgebase.search import suggest
from knowledgebase.selectors import home as kb_home
from knowledgebase.services import deflection


def url_or_none(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


# --- Home page panels -----------------------------------------------------------------------


def popular_articles(*, user: User, limit: int = 5) -> list:
    return list(kb_home.popular_articles(user=user, limit=limit))


def popular_faqs(*, user: User, limit: int = 5) -> list:
    return list(kb_home.popular_faqs(user=user, limit=limit))


def top_categories(*, user: User) -> list:
    return list(kb_home.top_categories(user=user))


def recent_topics(*, user: User, limit: int = 5) -> list:
    try:
        function = import_module("community.selectors.home").recent_topics
    except (ImportError, AttributeError):
        return []
    return list(function(user=user, limit=limit))


# --- Suggestions and deflection ------------------------------------------------------------


def suggestions(*, user: User, query: str, limit: int = 5) -> list[dict[str, str]]:
    """KB, FAQ and forum matches for the summary, shaped like the suggest endpoint's JSON."""
    if not query.strip():
        return []
    hits = suggest(query=query, user=user, limit=limit)
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
