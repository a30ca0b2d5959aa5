"""The PostgreSQL half of the index: a tsvector column with a partial GIN index per collection.

`PostgresBackend` writes the tokens as a weighted tsvector literal, takes common tokens'
document frequencies from the planner's statistics (`pg_stats`) and samples the rest, and
answers the candidate pool (ts_rank_cd) and the ids-only window (`Relevance` over the
newest matches) of `search.backends.base`.
"""

import time
from collections.abc import Sequence

from django.db import connection

from search.models import Collection, SearchDocument
from search.tokenize import Alternative

from . import base
from .base import (
    COMMON,
    IDS_BODY,
    IDS_STEP,
    IDS_TAGS,
    IDS_TITLE,
    RARE,
    TABLE,
    VERY_COMMON,
    Backend,
    Filters,
    PlannedTerm,
    Relevance,
    anywhere,
    checked_collection,
    estimated_frequency,
    ids_window,
    matchable,
)

# PostgreSQL walks common words' matches over this many times the newest ids their
# frequency needs for a window (PostgresBackend.ranked_ids).
IDS_SPAN_FACTOR = 4
# Positions in a tsvector stop at 16383; a body longer than that still matches, it just
# stops contributing positions.
PG_MAX_POSITION = 16383
STATS_TTL_SECONDS = 60.0


class PostgresBackend(Backend):
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
        if documents >= base.ESTIMATE_FROM:
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
            f"WHERE collection = '{collection}' AND search_vector @@ %s::tsquery LIMIT {base.DF_SAMPLE}) AS sample)"
            for _ in tokens
        ]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(samples), [p for t in tokens for p in (t, f"'{t}'")])
            rows = cursor.fetchall()
        return {
            token: n if n < base.DF_SAMPLE else estimated_frequency(n, span, documents)
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
        bounded = rarest > base.IDS_WINDOW and span < documents
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
