"""The SQLite half of the index: an FTS5 table per collection (`SqliteBackend`).

Writes the tokens into the collection's FTS5 table, counts or samples their document
frequencies off it, and answers the candidate pool (bm25) and the ids-only window
(`Relevance` as FTS5 matches bounded to the window) of `search.backends.base`.
"""

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
    meta_tokens,
)

# SQLite asks a relevance question alone (not with the whole query) over a window spanning
# fewer ids than this.
IDS_NARROW_SPAN = 20_000


class SqliteBackend(Backend):
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
        if documents >= base.ESTIMATE_FROM:
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
            f"ORDER BY rowid DESC LIMIT {base.DF_SAMPLE})"
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
            token: n if n < base.DF_SAMPLE else estimated_frequency(n, top - lowest + 1, documents)
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

    def ranked(self, terms: Sequence[PlannedTerm], filters: Filters, *, every: bool, limit: int) -> list[int]:
        table = self.table(filters.collection)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH %s "
                f"ORDER BY bm25({table}, 5.0, 3.0, 1.0, 0.0), rowid LIMIT %s",
                [self.match_expression(terms, filters, require_all=every), limit],
            )
            return [row[0] for row in cursor.fetchall()]

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
