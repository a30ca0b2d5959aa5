"""Suggestions for a problem summary as it is typed.

A summary is a sentence (收款单生成凭证失败), and a sentence rarely stands verbatim in an
article, so the strict search (every run as a phrase) finds little. Suggestions therefore
take the strict hits first and fill up with documents that share most of the summary's
words: any of its two-character chunks may match, and a document must cover a good share
of them to count, best covered first.
"""

import math
from collections.abc import Sequence
from datetime import datetime

from core.clock import resolve_now
from search.models import SearchDocument, visibilities_for

from . import backends
from .engine import SearchResults, build_hits, search
from .tokenize import is_single_character, normalise_query, phrase_text

# How many loosely matching documents to weigh for coverage; bounded, so this stays fast.
POOL = 40
MIN_COVERAGE = 1 / 3


def _terms(query: str) -> list[str]:
    seen: list[str] = []
    for phrase in normalise_query(query):
        if is_single_character(phrase):
            continue
        for token in phrase:
            if token not in seen:
                seen.append(token)
    return seen


def suggest(
    *, query: str, user, kinds: Sequence[str] | None = None, limit: int = 5, now: datetime | None = None
) -> SearchResults:
    """Up to `limit` documents for a summary: exact matches, then the best partial ones."""
    now = resolve_now(now)
    results = search(query=query, user=user, kinds=kinds, limit=limit, count=False, now=now)
    terms = _terms(results.query)
    if len(results.hits) >= limit or len(terms) < 2:
        return results
    filters = backends.Filters(
        visibilities=visibilities_for(user), kinds=tuple(kinds or ()), now=now, limit=POOL, offset=0
    )
    scored, _ = backends.for_connection().query([((t,),) for t in terms], filters, count=False)
    already = {(hit.doc_type, hit.object_id) for hit in results.hits}
    wanted = set(terms)
    need = max(2, math.ceil(len(terms) * MIN_COVERAGE))
    norms = SearchDocument.objects.in_bulk([pk for pk, _ in scored])
    ranked = []
    for position, (pk, score) in enumerate(scored):
        doc = norms.get(pk)
        if doc is None or (doc.doc_type, doc.object_id) in already:
            continue
        covered = len(wanted & set(f"{doc.title_norm} {doc.tags_norm} {doc.body_norm}".split()))
        if covered >= need:
            ranked.append((-covered, position, pk, score))
    ranked.sort()
    extra = [(pk, score) for _, _, pk, score in ranked[: limit - len(results.hits)]]
    needles = {phrase_text((t,)) for t in terms}
    results.hits.extend(build_hits(extra, needles))
    results.total = len(results.hits)
    return results
