"""The search log behind the admin's search analytics."""

from datetime import datetime

from django.db import transaction

from core.clock import resolve_now
from knowledgebase.models import SearchQuery


@transaction.atomic
def log_search(*, query: str, results: int, user, now: datetime | None = None) -> SearchQuery:
    return SearchQuery.objects.create(
        query=" ".join(query.split())[:200],
        results=results,
        user=user if user is not None and user.is_authenticated else None,
        created_at=resolve_now(now),
    )
