"""Suggestions for a problem summary as it is typed: the ranked search, a little stricter.

A summary is a sentence (收款单生成凭证失败) that rarely stands verbatim in an article. The
ranked search already weighs how much of it a document covers; suggestions ask for a bit
more of it (a third of the summary's weight) because a wrong suggestion costs the person
reading it, and they favour the customer's ERP system when the caller knows it.
"""

from collections.abc import Sequence
from datetime import datetime

from . import scoring
from .engine import SearchResults, search


def suggest(
    *,
    query: str,
    user,
    kinds: Sequence[str] | None = None,
    limit: int = 5,
    now: datetime | None = None,
    erp_system: str | None = None,
) -> SearchResults:
    """Up to `limit` documents for a summary, best first."""
    return search(
        query=query,
        user=user,
        kinds=kinds,
        limit=limit,
        count=False,
        now=now,
        erp_system=erp_system,
        strictness=scoring.SUGGESTIONS,
    )
