"""What both halves of the index share: the relevance plan, the window and sampling constants.

The planned terms (`PlannedTerm`, `satisfying`, `matchable`, `anywhere`), the ids-only window
(`ids_window`, `Relevance`), the filters every read applies (`Filters`, `visible_documents`),
the collection checks, the cached collection size and the candidate pool both
halves make alike (`Backend.candidates`). The vendor halves are
`search.backends.sqlite` and `search.backends.postgres`; they read the tunables below as
`base.NAME`, so a test patching this module reaches both.
"""

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet

from search.models import Collection, SearchDocument
from search.tokenize import Alternative

COUNT_CAP = 1000
# The ids-only ranking (agents' ticket search) ranks the newest matches only: all of them
# (up to this many) when the query's rarest term is this rare, so an error code's tickets
# are all ranked; the newest COMMON_IDS_WINDOW when every term is common (凭证 is in every
# ticket), which bounds the work for a word in most of a million documents.
IDS_WINDOW = 1000
COMMON_IDS_WINDOW = 500
# Relevance of the ranked window, per term: its idf times where the document has it, in
# steps of IDS_STEP.
IDS_TITLE, IDS_TAGS, IDS_BODY = 5, 3, 1
IDS_STEP = 1.0
TABLE = SearchDocument._meta.db_table
# In a large index a common token (凭证 is in most documents) makes candidates only through
# the title and tags, and a very common one not at all while the query has other words: its
# idf is near zero, it still counts in the final score, and without this one such word has
# bm25 rank most of 50,000 rows.
COMMON_SHARE = 0.05
VERY_COMMON_SHARE = 0.3
PRUNE_FROM = 2000
RARE, COMMON, VERY_COMMON = 0, 1, 2
SUBWORDS_MATCH_FROM = 0.85  # tokenize.COMPOUND_WEIGHT: the word, or all its parts


# A collection this large has its document frequencies estimated, not counted (counting a
# token in most of a million documents reads all of them): SqliteBackend samples its newest
# matches, PostgresBackend reads its planner statistics.
ESTIMATE_FROM = 20_000
DF_SAMPLE = 1000


def estimated_frequency(sampled: int, span: int, documents: int) -> int:
    """A common token's document frequency from its newest `sampled` matches spread over `span` ids.

    Documents are numbered in the order they were first indexed and a token's share of the
    newest ones is its share of all of them, near enough for an idf and a window size.
    """
    return max(sampled, min(documents, round(documents * sampled / max(span, 1))))


# A collection this large is counted at most once a minute per process: its size only sets
# the idf scale, and counting a million index entries per query is what made search slow.
EXACT_COUNT_BELOW = 20_000
COUNT_TTL_SECONDS = 60.0


@dataclass(frozen=True)
class Filters:
    visibilities: tuple[str, ...]
    kinds: tuple[str, ...]
    now: datetime
    limit: int
    offset: int
    collection: str = Collection.CONTENT


def checked_collection(collection: str) -> str:
    """The collection name, refused unless it is one of ours (it is spliced into SQL)."""
    if collection not in Collection.values:
        raise ValueError(f"unknown search collection {collection!r}")
    return str(collection)


@dataclass(frozen=True)
class PlannedTerm:
    """A query term as the database sees it: its alternatives, which are body-searchable, its idf."""

    alternatives: tuple[Alternative, ...]
    common: tuple[int, ...]  # RARE, COMMON or VERY_COMMON per alternative
    idf: float
    # How many documents may satisfy it (each satisfying alternative's rarest token, summed):
    # what sizes the ids-only window.
    df: int = 0


def satisfying(alternatives: Sequence[Alternative]) -> tuple[Alternative, ...]:
    """As in `matchable`: the word or all its parts satisfy a term, a lone sub-word (收款 of
    收款单) does not, when the word can."""
    if any(a.weight >= SUBWORDS_MATCH_FROM and not a.synonym for a in alternatives):
        return tuple(a for a in alternatives if a.weight >= SUBWORDS_MATCH_FROM or a.synonym)
    return tuple(alternatives)


def anywhere(terms: Sequence[PlannedTerm]) -> tuple[PlannedTerm, ...]:
    """The terms matched in every column, however common: the ids-only ranking reads a window
    of the newest matches, not a pool ranked by the database, so a common word need not be
    kept to titles to bound the work, and a ticket that has it only in its description still
    satisfies it (金蝶 is in the tags of half the tickets, in few titles)."""
    out = []
    for term in terms:
        alternatives = satisfying(term.alternatives)
        # An alternative needing every token of another adds no document to an OR of both.
        alternatives = tuple(
            a
            for a in alternatives
            if not any(set(b.tokens) < set(a.tokens) and not b.prefix for b in alternatives)
        )
        out.append(replace(term, alternatives=alternatives, common=(RARE,) * len(alternatives)))
    return tuple(out)


def ids_window(terms: Sequence[PlannedTerm]) -> int:
    """How many of the newest matches the ids-only ranking reads (see IDS_WINDOW)."""
    rarest = min((t.df for t in terms), default=0)
    return IDS_WINDOW if rarest <= IDS_WINDOW else COMMON_IDS_WINDOW


@dataclass(frozen=True)
class Relevance:
    """What orders the ids-only window: the typed phrase, then each term's place, then recency.

    A document with the words as typed, in that order (the customer's phrase, an error code
    of several tokens), comes before one with the same words scattered; then, per term, its
    idf times IDS_TITLE, IDS_TAGS or IDS_BODY by where the document has it (every document of
    the window has every term somewhere), in steps of IDS_STEP; equal steps go to the most
    recently changed. Both databases compute exactly this, from the index alone: FTS5's bm25
    counts every query word's documents by walking its whole doclist, which for a word in a
    million documents cost tens of milliseconds however small the window.
    """

    phrase: tuple[str, ...]
    terms: tuple[PlannedTerm, ...]

    def placed(self) -> tuple[PlannedTerm, ...]:
        """The terms whose place can move a document by half a step or more: a word in nearly
        every document (收款单, 生成 in the demo's million) has an idf near 0, and asking
        where it is would cost two more index reads for nothing."""
        return tuple(t for t in self.terms if t.idf * (IDS_TITLE - IDS_BODY) >= IDS_STEP / 2)

    @staticmethod
    def placing(term: PlannedTerm) -> tuple[Alternative, ...]:
        """The alternatives whose place counts: a lone sub-word (收款 of 收款单) in the title
        does not make the title about the word."""
        whole = tuple(a for a in term.alternatives if a.weight >= SUBWORDS_MATCH_FROM or a.synonym)
        return whole or term.alternatives


def visible_documents(filters: Filters) -> QuerySet[SearchDocument]:
    qs = SearchDocument.objects.filter(
        collection=filters.collection, visibility__in=filters.visibilities
    ).filter(Q(published_at__isnull=True) | Q(published_at__lte=filters.now))
    if filters.kinds:
        qs = qs.filter(kind__in=filters.kinds)
    return qs


def commonness(df: int, documents: int) -> int:
    if documents < PRUNE_FROM or df <= documents * COMMON_SHARE:
        return RARE
    return VERY_COMMON if df > documents * VERY_COMMON_SHARE else COMMON


def matchable(terms: Sequence[PlannedTerm]) -> list[tuple[PlannedTerm, list[tuple[Alternative, int]]]]:
    """Per term, the alternatives worth matching in SQL, with their commonness.

    Very common alternatives are left out when anything else can make candidates, and match
    in the title only when nothing else can. A lone sub-word (收款 of 收款单) makes no
    candidates when the word or all its parts can: it only adds to the score of those.
    """
    anything_else = any(level < VERY_COMMON for t in terms for level in t.common)
    out = []
    for term in terms:
        pairs = [(a, c) for a, c in zip(term.alternatives, term.common, strict=True)]
        if any(a.weight >= SUBWORDS_MATCH_FROM and not a.synonym for a, _ in pairs):
            pairs = [(a, c) for a, c in pairs if a.weight >= SUBWORDS_MATCH_FROM or a.synonym]
        kept = [(a, c) for a, c in pairs if c < VERY_COMMON or not anything_else]
        if kept:
            out.append((term, kept))
    return out


def all_then_any(run, *, limit: int, require_all: bool, several: bool) -> tuple[list[int], bool]:
    """Documents satisfying every term first, then any term, up to `limit`.

    Ranking every document that shares one word with a question is what costs: the
    documents that answer all of it are far fewer, and they are the ones the final score
    (which weighs coverage) puts first. Only when they do not fill the pool is the wider
    match ranked too.
    """
    found = run(True, limit + 1) if (require_all or several) else []
    if require_all or len(found) > limit:
        return found[:limit], len(found) > limit
    wider = run(False, limit + 1)
    seen = set(found)
    merged = found + [pk for pk in wider if pk not in seen]
    return merged[:limit], len(merged) > limit


class Backend:
    """What the two vendor halves share: the candidate pool, every term first, then any.

    Each half says how the database ranks documents matching every term (`every`) or any.
    """

    def ranked(self, terms: Sequence[PlannedTerm], filters: Filters, *, every: bool, limit: int) -> list[int]:
        raise NotImplementedError

    def candidates(
        self, terms: Sequence[PlannedTerm], filters: Filters, *, limit: int, require_all: bool
    ) -> tuple[list[int], bool]:
        """Up to `limit` document ids, best first, and whether there may be more."""
        return all_then_any(
            lambda every, n: self.ranked(terms, filters, every=every, limit=n),
            limit=limit,
            require_all=require_all,
            several=len(matchable(terms)) > 1,
        )


def meta_tokens(doc: SearchDocument) -> str:
    return f"vis_{doc.visibility} kind_{doc.kind}"


_counts: dict[tuple[str, str], tuple[int, float]] = {}
_counts_lock = threading.Lock()


def count_documents(collection: str = Collection.CONTENT) -> int:
    """How many documents the collection holds (exact while small, a minute old at most when large)."""
    key = (connection.alias, checked_collection(collection))
    cached = _counts.get(key)
    if cached is not None and time.monotonic() - cached[1] < COUNT_TTL_SECONDS:
        return cached[0]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE collection = %s", [key[1]])
        count = cursor.fetchone()[0]
    with _counts_lock:
        if count >= EXACT_COUNT_BELOW:
            _counts[key] = (count, time.monotonic())
        else:
            _counts.pop(key, None)
    return count
