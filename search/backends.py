"""Vendor-specific halves of the index: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Each half stores the tokens of `search.tokenize` as they are (never through a text-search
parser, whose idea of a word depends on locale) and answers three questions for the ranker:
how many documents there are, in how many of them each token occurs (for idf), and which
documents are the best candidates for a query. The final order is not theirs: it is
computed in `search.scoring` from the stored tokens, so both databases agree. The ids-only
ranking (agents' ticket search, `ranked_ids`) reads no tokens: it orders a bounded window of
the newest matches by `Relevance`, questions both databases answer alike from their index.

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
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet

from search.models import Collection, SearchDocument

from .tokenize import Alternative

COUNT_CAP = 1000
# The ids-only ranking (agents' ticket search) ranks the newest matches only: all of them
# (up to this many) when the query's rarest term is this rare, so an error code's tickets
# are all ranked; the newest COMMON_IDS_WINDOW when every term is common (凭证 is in every
# ticket), which bounds the work for a word in most of a million documents.
IDS_WINDOW = 1000
COMMON_IDS_WINDOW = 500
# SQLite asks a relevance question alone (not with the whole query) over a window spanning
# fewer ids than this.
IDS_NARROW_SPAN = 20_000
# PostgreSQL walks common words' matches over this many times the newest ids their
# frequency needs for a window (PostgresBackend.ranked_ids).
IDS_SPAN_FACTOR = 4
# Relevance of the ranked window, per term: its idf times where the document has it, in
# steps of IDS_STEP.
IDS_TITLE, IDS_TAGS, IDS_BODY = 5, 3, 1
IDS_STEP = 1.0
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


# A collection this large has its document frequencies estimated, not counted (counting a
# token in most of a million documents reads all of them): SqliteBackend samples its newest
# matches, PostgresBackend reads its planner statistics.
ESTIMATE_FROM = 20_000
DF_SAMPLE = 1000
STATS_TTL_SECONDS = 60.0


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
        self, tokens: Sequence[str], collection: str = Collection.CONTENT, documents: int = 0
    ) -> dict[str, int]:
        """Documents of the collection holding each token; estimated from ESTIMATE_FROM
        `documents` (the collection's size) on."""
        if not tokens:
            return {}
        if documents >= ESTIMATE_FROM:
            return self._sampled_frequencies(tokens, collection, documents)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term, doc FROM {self.table(collection)}_vocab "
                f"WHERE term IN ({', '.join(['%s'] * len(tokens))})",
                list(tokens),
            )
            return dict(cursor.fetchall())

    def _sampled_frequencies(self, tokens: Sequence[str], collection: str, documents: int) -> dict[str, int]:
        """Each token's newest DF_SAMPLE matches: exact below that, estimated from their density above.

        fts5vocab counts a token's documents by reading its whole doclist (11 ms for 凭证 and
        生成 in a million tickets, 43 ms for a query of eleven tokens); the newest matches are
        read backwards and stop at the sample.
        """
        table = self.table(collection)
        newest = f"SELECT '', 0, (SELECT rowid FROM {table} ORDER BY rowid DESC LIMIT 1)"
        samples = [
            f"SELECT %s, count(*), min(rowid) FROM (SELECT rowid FROM {table} WHERE {table} MATCH %s "
            f"ORDER BY rowid DESC LIMIT {DF_SAMPLE})"
            for _ in tokens
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                " UNION ALL ".join([newest, *samples]),
                [p for t in tokens for p in (t, f'"{t}"')],
            )
            rows = cursor.fetchall()
        top = rows[0][2] or 0
        return {
            token: n if n < DF_SAMPLE else estimated_frequency(n, top - lowest + 1, documents)
            for token, n, lowest in rows[1:]
            if n
        }

    COLUMNS = {RARE: "{title tags body}", COMMON: "{title tags}", VERY_COMMON: "{title}"}

    @classmethod
    def _alternative(cls, alternative: Alternative, common: int | None) -> str:
        """The alternative as an FTS5 query, in the columns its commonness allows (None: any)."""
        if common is None:
            return cls._inner(alternative)
        return f"{cls.COLUMNS[common]} : {cls._inner(alternative)}"

    @staticmethod
    def _inner(alternative: Alternative) -> str:
        quoted = [f'"{t}"' + (" *" if alternative.prefix else "") for t in alternative.tokens]
        return quoted[0] if len(quoted) == 1 else "(" + " AND ".join(quoted) + ")"

    @classmethod
    def match_expression(
        cls,
        terms: Sequence[PlannedTerm],
        filters: Filters,
        *,
        require_all: bool,
        meta: bool = True,
        columns: bool = True,
    ) -> str:
        """The FTS5 query; `columns=False` matches every alternative in any column, with no
        column filter (which makes FTS5 decode positions): only the meta column's vis_ and
        kind_ tokens are there besides, and no query token is one of those."""
        groups = [
            "("
            + " OR ".join(
                cls._alternative(a, c if columns else None)
                for a, c in zip(t.alternatives, t.common, strict=True)
            )
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

    def ranked_ids(
        self,
        terms: Sequence[PlannedTerm],
        filters: Filters,
        *,
        limit: int,
        phrase: Sequence[str] = (),
        documents: int = 0,
    ) -> list[str]:
        """Object ids of documents satisfying every term, by `Relevance`, then the most recent
        (`documents`, the collection's size, is for PostgreSQL's span; FTS5 needs none).

        One query, no document text read: for a filter over many documents (agents' ticket
        search) where a page shows references, not snippets. Only the newest matches are
        ranked (`ids_window`): FTS5 walks its doclist newest first and stops there. Each
        relevance signal is one more FTS5 match of the same words narrowed to a column or to
        the phrase, bounded to the window's rowids, so a word in most of a million tickets
        costs about what a rare one does.
        """
        table = self.table(filters.collection)
        # Who may see it and which kinds are read off the window's rows, not matched: the meta
        # tokens are in every document, and intersecting their doclists costs more than the
        # words (25 ms each at a million tickets, against 0.1 ms for an error code).
        terms = anywhere(terms)
        everything = self.match_expression(terms, filters, require_all=True, meta=False, columns=False)
        relevance = Relevance(tuple(phrase), terms)

        def within(expression: str) -> tuple[str, list[str]]:
            # Non-correlated: SQLite runs it once into a lookup table, and the rowid bound keeps
            # FTS5 inside the window. Over a window of few ids (common words) the question alone
            # is cheapest; over a wide one (a rare word among common ones) it goes with the
            # whole query, whose rare word makes FTS5 seek rather than walk the common ones.
            return (
                f"(w.id IN (SELECT rowid FROM {table} WHERE {table} MATCH (SELECT CASE WHEN "
                f"max(id) - min(id) < {IDS_NARROW_SPAN} THEN %s ELSE %s END FROM w) "
                "AND rowid >= (SELECT min(id) FROM w)))"
            ), [expression, f"({everything}) AND ({expression})"]

        signals: list[str] = []
        params: list = []
        if len(phrase) > 1:
            phrase_sql, phrase_match = within('"' + " ".join(phrase) + '"')
            signals.append(f"{phrase_sql} DESC")
            params += phrase_match
        parts = []
        for term in relevance.placed():
            placing = relevance.placing(term)
            title_sql, title_match = within(" OR ".join(f"{{title}} : {self._inner(a)}" for a in placing))
            tags_sql, tags_match = within(" OR ".join(f"{{tags}} : {self._inner(a)}" for a in placing))
            params += [*title_match, *tags_match]
            parts.append(
                f"{term.idf:.6f} * (CASE WHEN {title_sql} THEN {IDS_TITLE} "
                f"WHEN {tags_sql} THEN {IDS_TAGS} ELSE {IDS_BODY} END)"
            )
        if parts:
            signals.append(f"round(({' + '.join(parts)}) / {IDS_STEP}) DESC")
        visibilities = ", ".join(["%s"] * len(filters.visibilities))
        kinds = f"AND d.kind IN ({', '.join(['%s'] * len(filters.kinds))}) " if filters.kinds else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH w AS MATERIALIZED (SELECT rowid AS id FROM {table} WHERE {table} MATCH %s "
                "ORDER BY rowid DESC LIMIT %s) "
                f"SELECT d.object_id FROM w JOIN {TABLE} d ON d.id = w.id "
                f"WHERE d.visibility IN ({visibilities}) {kinds}"
                "AND (d.published_at IS NULL OR d.published_at <= %s) "
                f"ORDER BY {''.join(s + ', ' for s in signals)}d.changed_at DESC, d.id DESC "
                "LIMIT %s",
                [
                    everything,
                    ids_window(terms),
                    *filters.visibilities,
                    *filters.kinds,
                    filters.now,
                    *params,
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
        self, tokens: Sequence[str], collection: str = Collection.CONTENT, documents: int = 0
    ) -> dict[str, int]:
        """As SqliteBackend.document_frequencies. From ESTIMATE_FROM documents on, a token among
        the planner's most common lexemes of the column (`pg_stats`, gathered by autovacuum)
        takes its frequency from there and only the others are counted: those are rarer than
        the least common of the list, so their count reads few rows off the GIN index. Counting
        them all was a parallel scan of the table (1.3 s for 凭证 in a million tickets)."""
        if not tokens:
            return {}
        found: dict[str, int] = {}
        if documents >= ESTIMATE_FROM:
            shares = self._common_lexemes()
            found = {t: max(round(shares[t] * documents), 1) for t in tokens if t in shares}
            tokens = [t for t in tokens if t not in shares]
            if not tokens:
                return found
            return found | self._sampled_frequencies(tokens, collection, documents)
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
        return found | {t: n for t, n in zip(tokens, row, strict=True) if n}

    def _sampled_frequencies(self, tokens: Sequence[str], collection: str, documents: int) -> dict[str, int]:
        """Up to DF_SAMPLE matches of each token off the GIN index: exact below that, else
        estimated from the ids they spread over. A token missing from the statistics' list
        can still be in a tenth of the rows when that list is short (95 lexemes in the demo's
        million, the least common of them in 14 %): counting it read 140,000 rows (120 ms)."""
        collection = checked_collection(collection)
        # No ORDER BY: a Limit over the bitmap the GIN index gives stops after the sample,
        # where an order by id would tempt the planner into walking the primary key.
        samples = [
            f"(SELECT %s, count(*), max(id) - min(id) + 1 FROM (SELECT id FROM {TABLE} "
            f"WHERE collection = '{collection}' AND search_vector @@ %s::tsquery LIMIT {DF_SAMPLE}) AS sample)"
            for _ in tokens
        ]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(samples), [p for t in tokens for p in (t, f"'{t}'")])
            rows = cursor.fetchall()
        return {
            token: n if n < DF_SAMPLE else estimated_frequency(n, span, documents)
            for token, n, span in rows
            if n
        }

    _stats: dict[str, tuple[dict[str, float], float]] = {}

    @classmethod
    def _common_lexemes(cls) -> dict[str, float]:
        """The column's most common lexemes and the share of rows holding each (a minute old at most)."""
        cached = cls._stats.get(connection.alias)
        if cached is not None and time.monotonic() - cached[1] < STATS_TTL_SECONDS:
            return cached[0]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'search_vector'",
                [TABLE],
            )
            row = cursor.fetchone()
        lexemes, shares = row or (None, None)
        common = dict(zip(lexemes or (), shares or (), strict=False))
        cls._stats[connection.alias] = (common, time.monotonic())
        return common

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

    @staticmethod
    def _any_of(alternatives: Sequence[Alternative], weight: str = "") -> str:
        """A tsquery satisfied by any of the alternatives (each needing all its tokens), in the
        field of `weight` (A title, B tags) when given."""

        def lexeme(token: str, prefix: bool) -> str:
            flags = ("*" if prefix else "") + weight
            return f"'{token}'" + (f":{flags}" if flags else "")

        return " | ".join("(" + " & ".join(lexeme(t, a.prefix) for t in a.tokens) + ")" for a in alternatives)

    def ranked_ids(
        self,
        terms: Sequence[PlannedTerm],
        filters: Filters,
        *,
        limit: int,
        phrase: Sequence[str] = (),
        documents: int = 0,
    ) -> list[str]:
        """As SqliteBackend.ranked_ids: every term in any field, the newest `ids_window` matches,
        ordered by the same `Relevance`, then the most recent.

        The window is read newest first and stops at its size, and the relevance is computed
        on its rows only (ts_rank_cd over every match was most of the time). A rare term's
        matches come off the collection's GIN index. Common words are matched row by row
        walking the primary key backwards over the newest ids only (IDS_SPAN_FACTOR times as
        many as their frequency needs for a window): the planner, taking words as independent,
        would read the GIN index instead, and words that go together (金额 与 银行回单 不一致 in
        140,000 tickets) then cost every one of their rows (470 ms at a million). When that
        span does not fill the window, the words are rarely together after all and the GIN
        index is read: the window is the same either way.
        """
        terms = anywhere(terms)
        relevance = Relevance(tuple(phrase), terms)
        window = ids_window(terms)
        rarest = min((t.df for t in terms), default=0)
        span = IDS_SPAN_FACTOR * window * documents // max(rarest, 1)
        bounded = rarest > IDS_WINDOW and span < documents
        order, params = self._relevance(relevance, phrase)
        found = self._window(
            terms, filters, order, params, limit=limit, window=window, span=span if bounded else 0
        )
        if bounded and (not found or found[0][1] < window):
            found = self._window(terms, filters, order, params, limit=limit, window=window, span=0)
        return [object_id for object_id, _ in found]

    def _relevance(self, relevance: Relevance, phrase: Sequence[str]) -> tuple[str, list]:
        """The ORDER BY over the window's rows `w` (see Relevance) and its parameters."""
        signals: list[str] = []
        params: list = []
        if len(phrase) > 1:
            signals.append("(w.v @@ %s::tsquery) DESC")
            params.append(" <-> ".join(f"'{t}'" for t in phrase))
        parts = []
        for term in relevance.placed():
            placing = relevance.placing(term)
            parts.append(
                f"{term.idf:.6f} * (CASE WHEN w.v @@ %s::tsquery THEN {IDS_TITLE} "
                f"WHEN w.v @@ %s::tsquery THEN {IDS_TAGS} ELSE {IDS_BODY} END)"
            )
            params += [self._any_of(placing, "A"), self._any_of(placing, "B")]
        if parts:
            signals.append(f"round((({' + '.join(parts)}) / {IDS_STEP})::numeric) DESC")
        return "".join(s + ", " for s in signals) + "w.changed_at DESC NULLS LAST, w.id DESC", params

    def _window(
        self, terms, filters: Filters, order: str, order_params: list, *, limit: int, window: int, span: int
    ) -> list[tuple[str, int]]:
        """(object id, size of the window) of the best `limit` of the newest `window` matches;
        with a `span`, only among the newest `span` ids, matched row by row (not by index)."""
        everything = " & ".join(f"({self._any_of(t.alternatives)})" for t in terms)
        collection = checked_collection(filters.collection)
        # ts_match_vq is the function behind @@: called by name it is no index condition.
        match = "ts_match_vq(d.search_vector, %s::tsquery)" if span else "d.search_vector @@ %s::tsquery"
        where = [
            match,
            f"d.collection = '{collection}'",
            f"d.visibility IN ({', '.join(['%s'] * len(filters.visibilities))})",
            "(d.published_at IS NULL OR d.published_at <= %s)",
        ]
        where_params: list = [everything, *filters.visibilities, filters.now]
        if filters.kinds:
            where.append(f"d.kind IN ({', '.join(['%s'] * len(filters.kinds))})")
            where_params.extend(filters.kinds)
        if span:
            where.append(f"d.id > (SELECT max(id) FROM {TABLE} WHERE collection = '{collection}') - %s")
            where_params.append(span)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT w.object_id, count(*) OVER () FROM (SELECT d.object_id, d.id, d.changed_at, "
                f"d.search_vector AS v FROM {TABLE} d WHERE {' AND '.join(where)} "
                f"ORDER BY d.id DESC LIMIT %s) AS w ORDER BY {order} LIMIT %s",
                [*where_params, window, *order_params, limit],
            )
            return cursor.fetchall()

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
