"""Vendor-specific halves of the index: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Both take phrases from `normalise_query` (tokens that must be adjacent) and variants (one
per synonym rewrite, OR-ed). Tokens are only letters, digits and CJK characters, so quoting
them inside the query languages needs no escaping.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet

from search.models import SearchDocument

Phrase = tuple[str, ...]
Variant = tuple[Phrase, ...]
COUNT_CAP = 1000
TABLE = SearchDocument._meta.db_table
# Positions in a tsvector stop at 16383; a body longer than that still matches, it just
# stops contributing phrase positions.
PG_MAX_POSITION = 16383


@dataclass(frozen=True)
class Filters:
    visibilities: tuple[str, ...]
    kinds: tuple[str, ...]
    now: datetime
    limit: int
    offset: int


def visible_documents(filters: Filters) -> QuerySet[SearchDocument]:
    qs = SearchDocument.objects.filter(visibility__in=filters.visibilities).filter(
        Q(published_at__isnull=True) | Q(published_at__lte=filters.now)
    )
    if filters.kinds:
        qs = qs.filter(kind__in=filters.kinds)
    return qs


def _where(filters: Filters) -> tuple[str, list]:
    params: list = list(filters.visibilities)
    sql = f" AND d.visibility IN ({', '.join(['%s'] * len(filters.visibilities))})"
    if filters.kinds:
        sql += f" AND d.kind IN ({', '.join(['%s'] * len(filters.kinds))})"
        params.extend(filters.kinds)
    sql += " AND (d.published_at IS NULL OR d.published_at <= %s)"
    params.append(connection.ops.adapt_datetimefield_value(filters.now))
    return sql, params


def _last_is_latin(variant: Variant) -> bool:
    last = variant[-1][-1]
    return last.isascii() and last.isalnum()


class SqliteBackend:
    def write(self, docs: Sequence[SearchDocument]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM kb_search_fts WHERE rowid = %s", [(d.pk,) for d in docs])
            cursor.executemany(
                "INSERT INTO kb_search_fts (rowid, title, tags, body) VALUES (%s, %s, %s, %s)",
                [(d.pk, d.title_norm, d.tags_norm, d.body_norm) for d in docs],
            )

    def delete(self, pks: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM kb_search_fts WHERE rowid = %s", [(pk,) for pk in pks])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM kb_search_fts")

    @staticmethod
    def match_expression(variants: Sequence[Variant]) -> str:
        ors = []
        for variant in variants:
            # The last Latin token is a prefix, so the suggestion panel finds "vouch" → voucher.
            parts = [f'"{" ".join(p)}"' for p in variant]
            if _last_is_latin(variant):
                parts[-1] += " *"
            ors.append("(" + " AND ".join(parts) + ")")
        return " OR ".join(ors)

    @staticmethod
    def tiers(expression: str) -> list[str]:
        """Title matches, then tag matches, then body-only matches, each ranked by bm25.

        Ranking every match of a common word (凭证 is in most articles) costs tens of ms at
        50,000 documents; a title match outranks the rest anyway, so the cheaper, smaller
        title tier usually fills the page and the other tiers are never evaluated.
        """
        title, title_tags = f"{{title}} : ({expression})", f"{{title tags}} : ({expression})"
        return [title, f"{title_tags} NOT {title}", f"({expression}) NOT {title_tags}"]

    def query(self, variants: Sequence[Variant], filters: Filters, *, count: bool):
        where, filter_params = _where(filters)
        base = f"FROM kb_search_fts JOIN {TABLE} d ON d.id = kb_search_fts.rowid WHERE kb_search_fts MATCH %s{where}"
        expression = self.match_expression(variants)
        rows: list[tuple[int, float]] = []
        skip, wanted = filters.offset, filters.limit
        with connection.cursor() as cursor:
            for tier, match in enumerate(self.tiers(expression)):
                cursor.execute(
                    f"SELECT d.id, bm25(kb_search_fts, 10.0, 4.0, 1.0) AS score {base} "
                    "ORDER BY score, d.id LIMIT %s OFFSET %s",
                    [match, *filter_params, wanted, skip],
                )
                # bm25 is "lower is better"; hits report "higher is better", tiers kept apart.
                found = [(pk, (2 - tier) * 1000.0 - score) for pk, score in cursor.fetchall()]
                rows.extend(found)
                wanted -= len(found)
                if wanted <= 0:
                    break
                if skip:
                    cursor.execute(
                        f"SELECT count(*) FROM (SELECT 1 {base} LIMIT %s)", [match, *filter_params, skip]
                    )
                    skip = max(0, skip - cursor.fetchone()[0])
            if wanted > 0 and not filters.offset:
                total = len(rows)
            elif count:
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 {base} LIMIT {COUNT_CAP})", [expression, *filter_params]
                )
                total = cursor.fetchone()[0]
            else:
                total = filters.offset + len(rows)
        return rows, total


class PostgresBackend:
    WEIGHTS = (("title_norm", "A"), ("tags_norm", "B"), ("body_norm", "C"))

    @classmethod
    def vector_literal(cls, doc: SearchDocument) -> str:
        lexemes, position = [], 1
        for attr, weight in cls.WEIGHTS:
            for token in getattr(doc, attr).split():
                lexemes.append(f"'{token}':{min(position, PG_MAX_POSITION)}{weight}")
                position += 1
            position += 1  # a gap, so a phrase never spans title and tags
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

    @staticmethod
    def tsquery(variants: Sequence[Variant]) -> str:
        ors = []
        for variant in variants:
            phrases = []
            for i, phrase in enumerate(variant):
                quoted = [f"'{t}'" for t in phrase]
                if i == len(variant) - 1 and _last_is_latin(variant):
                    quoted[-1] += ":*"
                phrases.append("(" + " <-> ".join(quoted) + ")")
            ors.append("(" + " & ".join(phrases) + ")")
        return " | ".join(ors)

    def query(self, variants: Sequence[Variant], filters: Filters, *, count: bool):
        where, params = _where(filters)
        base = f"FROM {TABLE} d WHERE d.search_vector @@ %s::tsquery{where}"
        params = [self.tsquery(variants), *params]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id, ts_rank(d.search_vector, %s::tsquery) AS score {base} "
                "ORDER BY score DESC, d.id LIMIT %s OFFSET %s",
                [params[0], *params, filters.limit, filters.offset],
            )
            rows = [(pk, float(score)) for pk, score in cursor.fetchall()]
            total = len(rows) + filters.offset
            if count and len(rows) == filters.limit:
                cursor.execute(f"SELECT count(*) FROM (SELECT 1 {base} LIMIT {COUNT_CAP}) AS hits", params)
                total = cursor.fetchone()[0]
        return rows, total


def for_connection():
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SqliteBackend()
