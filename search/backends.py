"""Vendor-specific halves of the index: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Each half stores the tokens of `search.tokenize` as they are (never through a text-search
parser, whose idea of a word depends on locale) and answers three questions for the ranker:
how many documents there are, in how many of them each token occurs (for idf), and which
documents are the best candidates for a query. The final order is not theirs: it is
computed in `search.scoring` from the stored tokens, so both databases agree.

Each collection (`search.models.Collection`: public content, tickets) has an index of its own:
an FTS5 table per collection on SQLite, a partial GIN index per collection on PostgreSQL, and
its own size and document frequencies, so a knowledge-base query never reads, counts or
ranks ticket documents however many there are.

Tokens are letters, digits, CJK characters and the . and _ inside versions and identifiers,
so quoting them inside the query languages needs no escaping.
"""

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet

from search.models import Collection, SearchDocument

from .tokenize import Alternative

COUNT_CAP = 1000
# The ids-only ranking (agents' ticket search) ranks this many of the newest matches: enough
# for any page an agent reads, and a bound on the work for a word in most documents.
IDS_WINDOW = 5000
TABLE = SearchDocument._meta.db_table
# Positions in a tsvector stop at 16383; a body longer than that still matches, it just
# stops contributing positions.
PG_MAX_POSITION = 16383
# In a large index a common token (凭证 is in most documents) makes candidates only through
# the title and tags, and a very common one not at all while the query has other words: its
# idf is near zero, it still counts in the final score, and without this one such word has
# bm25 rank most of 50,000 rows.
COMMON_SHARE = 0.05
VERY_COMMON_SHARE = 0.3
PRUNE_FROM = 2000
RARE, COMMON, VERY_COMMON = 0, 1, 2
SUBWORDS_MATCH_FROM = 0.85  # tokenize.COMPOUND_WEIGHT: the word, or all its parts


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


class SqliteBackend:
    TABLES = {Collection.CONTENT: "search_fts", Collection.TICKETS: "search_fts_tickets"}

    @classmethod
    def table(cls, collection: str) -> str:
        return cls.TABLES[checked_collection(collection)]

    def write(self, docs: Sequence[SearchDocument]) -> None:
        with connection.cursor() as cursor:
            # A document may have moved between collections: it leaves every table first.
            for table in self.TABLES.values():
                cursor.executemany(f"DELETE FROM {table} WHERE rowid = %s", [(d.pk,) for d in docs])
            for collection, table in self.TABLES.items():
                rows = [
                    (d.pk, d.title_norm, d.tags_norm, d.body_norm, meta_tokens(d))
                    for d in docs
                    if d.collection == collection
                ]
                if rows:
                    cursor.executemany(
                        f"INSERT INTO {table} (rowid, title, tags, body, meta) VALUES (%s, %s, %s, %s, %s)",
                        rows,
                    )

    def delete(self, pks: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            for table in self.TABLES.values():
                cursor.executemany(f"DELETE FROM {table} WHERE rowid = %s", [(pk,) for pk in pks])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            for table in self.TABLES.values():
                cursor.execute(f"DELETE FROM {table}")

    def document_frequencies(
        self, tokens: Sequence[str], collection: str = Collection.CONTENT
    ) -> dict[str, int]:
        if not tokens:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term, doc FROM {self.table(collection)}_vocab "
                f"WHERE term IN ({', '.join(['%s'] * len(tokens))})",
                list(tokens),
            )
            return dict(cursor.fetchall())

    COLUMNS = {RARE: "{title tags body}", COMMON: "{title tags}", VERY_COMMON: "{title}"}

    @classmethod
    def _alternative(cls, alternative: Alternative, common: int) -> str:
        columns = cls.COLUMNS[common]
        quoted = [f'"{t}"' + (" *" if alternative.prefix else "") for t in alternative.tokens]
        inner = quoted[0] if len(quoted) == 1 else "(" + " AND ".join(quoted) + ")"
        return f"{columns} : {inner}"

    @classmethod
    def match_expression(
        cls, terms: Sequence[PlannedTerm], filters: Filters, *, require_all: bool, meta: bool = True
    ) -> str:
        groups = [
            "("
            + " OR ".join(cls._alternative(a, c) for a, c in zip(t.alternatives, t.common, strict=True))
            + ")"
            for t in terms
        ]
        expression = "(" + (" AND " if require_all else " OR ").join(groups) + ")"
        if not meta:
            return expression
        expression += " AND {meta} : (" + " OR ".join(f'"vis_{v}"' for v in filters.visibilities) + ")"
        if filters.kinds:
            expression += " AND {meta} : (" + " OR ".join(f'"kind_{k}"' for k in filters.kinds) + ")"
        return expression

    def ranked(self, expression: str, limit: int, collection: str = Collection.CONTENT) -> list[int]:
        table = self.table(collection)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH %s "
                f"ORDER BY bm25({table}, 5.0, 3.0, 1.0, 0.0), rowid LIMIT %s",
                [expression, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def candidates(
        self, terms: Sequence[PlannedTerm], filters: Filters, *, limit: int, require_all: bool
    ) -> tuple[list[int], bool]:
        """Up to `limit` document ids, best first, and whether there may be more."""
        return all_then_any(
            lambda every, n: self.ranked(
                self.match_expression(terms, filters, require_all=every), n, filters.collection
            ),
            limit=limit,
            require_all=require_all,
            several=len(matchable(terms)) > 1,
        )

    # bm25 is negative, better is lower; relevance counts in steps of this much.
    IDS_STEP = 0.5

    def ranked_ids(self, terms: Sequence[PlannedTerm], filters: Filters, *, limit: int) -> list[str]:
        """Object ids of documents satisfying every term: relevance in steps, then the most recent.

        One query, no document text read: for a filter over many documents (agents' ticket
        search) where a page shows references, not snippets. Only the IDS_WINDOW most
        recently indexed matches are ranked: FTS5 walks its doclist newest first and stops
        there, so a word found in most of a million tickets costs what a rare one does.
        """
        table = self.table(filters.collection)
        # Who may see it and which kinds are read off the window's rows, not matched: the meta
        # tokens are in every document, and intersecting their doclists costs more than the
        # words (25 ms each at a million tickets, against 0.1 ms for an error code).
        expression = self.match_expression(terms, filters, require_all=True, meta=False)
        visibilities = ", ".join(["%s"] * len(filters.visibilities))
        kinds = f"AND d.kind IN ({', '.join(['%s'] * len(filters.kinds))}) " if filters.kinds else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.object_id FROM (SELECT rowid AS id, bm25({table}, 5.0, 3.0, 1.0, 0.0) AS score "
                f"FROM {table} WHERE {table} MATCH %s ORDER BY rowid DESC LIMIT %s) f "
                f"JOIN {TABLE} d ON d.id = f.id "
                f"WHERE d.visibility IN ({visibilities}) {kinds}"
                "AND (d.published_at IS NULL OR d.published_at <= %s) "
                "ORDER BY round(f.score / %s), d.changed_at DESC, d.id DESC "
                "LIMIT %s",
                [
                    expression,
                    IDS_WINDOW,
                    *filters.visibilities,
                    *filters.kinds,
                    filters.now,
                    self.IDS_STEP,
                    limit,
                ],
            )
            return [row[0] for row in cursor.fetchall()]


class PostgresBackend:
    WEIGHTS = (("title_norm", "A"), ("tags_norm", "B"), ("body_norm", "C"))
    # ts_rank_cd's weights are given {D, C, B, A}: body 1, tags 3, title 5, as in bm25 above.
    RANK_WEIGHTS = "{0.0, 0.2, 0.6, 1.0}"

    @classmethod
    def vector_literal(cls, doc: SearchDocument) -> str:
        lexemes, position = [], 1
        for attr, weight in cls.WEIGHTS:
            for token in getattr(doc, attr).split():
                lexemes.append(f"'{token}':{min(position, PG_MAX_POSITION)}{weight}")
                position += 1
            position += 1
        return " ".join(lexemes)

    def write(self, docs: Sequence[SearchDocument]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {TABLE} SET search_vector = %s::tsvector WHERE id = %s",
                [(self.vector_literal(d), d.pk) for d in docs],
            )

    def delete(self, pks: Sequence[int]) -> None:
        """The vector lives on the document row and goes with it."""

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET search_vector = NULL")

    def document_frequencies(
        self, tokens: Sequence[str], collection: str = Collection.CONTENT
    ) -> dict[str, int]:
        if not tokens:
            return {}
        counts = ", ".join(["count(*) FILTER (WHERE search_vector @@ %s::tsquery)"] * len(tokens))
        quoted = [f"'{t}'" for t in tokens]
        # The collection is a literal so the planner picks that collection's partial index.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {counts} FROM {TABLE} WHERE search_vector @@ %s::tsquery "
                f"AND collection = '{checked_collection(collection)}'",
                [*quoted, " | ".join(quoted)],
            )
            row = cursor.fetchone()
        return {t: n for t, n in zip(tokens, row, strict=True) if n}

    WEIGHT_FLAGS = {RARE: "", COMMON: "AB", VERY_COMMON: "A"}

    @classmethod
    def _alternative(cls, alternative: Alternative, common: int) -> str:
        flags = ("*" if alternative.prefix else "") + cls.WEIGHT_FLAGS[common]
        suffix = f":{flags}" if flags else ""
        quoted = [f"'{t}'{suffix}" for t in alternative.tokens]
        return quoted[0] if len(quoted) == 1 else "(" + " & ".join(quoted) + ")"

    def _query(self, terms: Sequence[PlannedTerm], filters: Filters, *, every: bool) -> tuple[str, str, list]:
        """The rank expression, the WHERE clause and their parameters."""
        groups = matchable(terms)
        queries = [" | ".join(self._alternative(a, c) for a, c in pairs) for _, pairs in groups]
        match = (" & " if every else " | ").join(f"({q})" for q in queries)
        # ts_rank_cd knows no idf: each term is ranked on its own and weighted by its idf.
        rank = " + ".join(
            f"{term.idf:.6f} * ts_rank_cd('{self.RANK_WEIGHTS}', d.search_vector, %s::tsquery)"
            for term, _ in groups
        )
        where = [
            "d.search_vector @@ %s::tsquery",
            f"d.collection = '{checked_collection(filters.collection)}'",
            f"d.visibility IN ({', '.join(['%s'] * len(filters.visibilities))})",
            "(d.published_at IS NULL OR d.published_at <= %s)",
        ]
        params: list = [*queries, match, *filters.visibilities, filters.now]
        if filters.kinds:
            where.append(f"d.kind IN ({', '.join(['%s'] * len(filters.kinds))})")
            params.extend(filters.kinds)
        return rank, " AND ".join(where), params

    def ranked(self, terms: Sequence[PlannedTerm], filters: Filters, *, every: bool, limit: int) -> list[int]:
        rank, where, params = self._query(terms, filters, every=every)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM (SELECT d.id, ({rank}) AS score FROM {TABLE} d WHERE {where})"
                " AS hits ORDER BY score DESC, id LIMIT %s",
                [*params, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    # ts_rank_cd × idf is positive, better is higher; relevance counts in steps of this much.
    IDS_STEP = 0.05

    def ranked_ids(self, terms: Sequence[PlannedTerm], filters: Filters, *, limit: int) -> list[str]:
        """As SqliteBackend.ranked_ids: every term, the IDS_WINDOW newest matches, relevance in steps,
        then the most recent."""
        rank, where, params = self._query(terms, filters, every=True)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT object_id FROM (SELECT d.object_id, d.id, d.changed_at, ({rank}) AS score "
                f"FROM {TABLE} d WHERE {where} ORDER BY d.id DESC LIMIT %s) AS hits "
                "ORDER BY round((score / %s)::numeric) DESC, changed_at DESC NULLS LAST, id DESC LIMIT %s",
                [*params, IDS_WINDOW, self.IDS_STEP, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def candidates(
        self, terms: Sequence[PlannedTerm], filters: Filters, *, limit: int, require_all: bool
    ) -> tuple[list[int], bool]:
        return all_then_any(
            lambda every, n: self.ranked(terms, filters, every=every, limit=n),
            limit=limit,
            require_all=require_all,
            several=len(matchable(terms)) > 1,
        )


def for_connection():
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SqliteBackend()
