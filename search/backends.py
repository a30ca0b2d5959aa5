"""Vendor-specific halves of the index: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Each half stores the tokens of `search.tokenize` as they are (never through a text-search
parser, whose idea of a word depends on locale) and answers three questions for the ranker:
how many documents there are, in how many of them each token occurs (for idf), and which
documents are the best candidates for a query. The final order is not theirs: it is
computed in `search.scoring` from the stored tokens, so both databases agree.

Tokens are letters, digits, CJK characters and the . and _ inside versions and identifiers,
so quoting them inside the query languages needs no escaping.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet

from search.models import SearchDocument

from .tokenize import Alternative

COUNT_CAP = 1000
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


@dataclass(frozen=True)
class Filters:
    visibilities: tuple[str, ...]
    kinds: tuple[str, ...]
    now: datetime
    limit: int
    offset: int


@dataclass(frozen=True)
class PlannedTerm:
    """A query term as the database sees it: its alternatives, which are body-searchable, its idf."""

    alternatives: tuple[Alternative, ...]
    common: tuple[int, ...]  # RARE, COMMON or VERY_COMMON per alternative
    idf: float


def visible_documents(filters: Filters) -> QuerySet[SearchDocument]:
    qs = SearchDocument.objects.filter(visibility__in=filters.visibilities).filter(
        Q(published_at__isnull=True) | Q(published_at__lte=filters.now)
    )
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


def count_documents() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]


class SqliteBackend:
    def write(self, docs: Sequence[SearchDocument]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(d.pk,) for d in docs])
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, tags, body, meta) VALUES (%s, %s, %s, %s, %s)",
                [(d.pk, d.title_norm, d.tags_norm, d.body_norm, meta_tokens(d)) for d in docs],
            )

    def delete(self, pks: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(pk,) for pk in pks])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def document_frequencies(self, tokens: Sequence[str]) -> dict[str, int]:
        if not tokens:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term, doc FROM search_fts_vocab WHERE term IN ({', '.join(['%s'] * len(tokens))})",
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
    def match_expression(cls, terms: Sequence[PlannedTerm], filters: Filters, *, require_all: bool) -> str:
        groups = [
            "("
            + " OR ".join(cls._alternative(a, c) for a, c in zip(t.alternatives, t.common, strict=True))
            + ")"
            for t in terms
        ]
        expression = "(" + (" AND " if require_all else " OR ").join(groups) + ")"
        expression += " AND {meta} : (" + " OR ".join(f'"vis_{v}"' for v in filters.visibilities) + ")"
        if filters.kinds:
            expression += " AND {meta} : (" + " OR ".join(f'"kind_{k}"' for k in filters.kinds) + ")"
        return expression

    def ranked(self, expression: str, limit: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
                "ORDER BY bm25(search_fts, 5.0, 3.0, 1.0, 0.0), rowid LIMIT %s",
                [expression, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def candidates(
        self, terms: Sequence[PlannedTerm], filters: Filters, *, limit: int, require_all: bool
    ) -> tuple[list[int], bool]:
        """Up to `limit` document ids, best first, and whether there may be more."""
        return all_then_any(
            lambda every, n: self.ranked(self.match_expression(terms, filters, require_all=every), n),
            limit=limit,
            require_all=require_all,
            several=len(matchable(terms)) > 1,
        )


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

    def document_frequencies(self, tokens: Sequence[str]) -> dict[str, int]:
        if not tokens:
            return {}
        counts = ", ".join(["count(*) FILTER (WHERE search_vector @@ %s::tsquery)"] * len(tokens))
        quoted = [f"'{t}'" for t in tokens]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {counts} FROM {TABLE} WHERE search_vector @@ %s::tsquery",
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

    def ranked(self, terms: Sequence[PlannedTerm], filters: Filters, *, every: bool, limit: int) -> list[int]:
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
            f"d.visibility IN ({', '.join(['%s'] * len(filters.visibilities))})",
            "(d.published_at IS NULL OR d.published_at <= %s)",
        ]
        params: list = [*queries, match, *filters.visibilities, filters.now]
        if filters.kinds:
            where.append(f"d.kind IN ({', '.join(['%s'] * len(filters.kinds))})")
            params.extend(filters.kinds)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM (SELECT d.id, ({rank}) AS score FROM {TABLE} d WHERE {' AND '.join(where)})"
                " AS hits ORDER BY score DESC, id LIMIT %s",
                [*params, limit],
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
