"""The one search service: index documents from any app, query them for any user.

SQLite uses the FTS5 table `kb_search_fts` (bm25 with title ≫ tags ≫ body); PostgreSQL a
tsvector column with weights A/B/C ranked by ts_rank. Both store the tokens produced by
`normalise_for_index`, so both answer the same queries. Visibility is filtered in SQL.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.safestring import SafeString

from core.clock import resolve_now
from search.models import SearchDocument, Synonym, visibilities_for

from . import backends
from .highlight import highlight, snippet
from .tokenize import is_single_character, normalise_for_index, normalise_query, phrase_text

TEXT_CHARS = 5000
COUNT_CAP = 1000
MAX_VARIANTS = 8
BATCH = 500


@dataclass(frozen=True)
class DocumentData:
    """What a feeding app hands to the index for one item."""

    doc_type: str
    object_id: str
    title: str
    url: str
    kind: str
    kind_label: str
    visibility: str
    body: str = ""
    tags: Sequence[str] = ()
    published_at: datetime | None = None


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    kind: str
    kind_label: str
    snippet: SafeString
    title_html: SafeString
    score: float
    doc_type: str
    object_id: str


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    total_capped: bool = False

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self):
        return iter(self.hits)


def index_document(
    *,
    doc_type: str,
    object_id: str | int,
    title: str,
    url: str,
    kind: str,
    kind_label: str,
    visibility: str,
    body: str = "",
    tags: Sequence[str] = (),
    published_at: datetime | None = None,
    now: datetime | None = None,
) -> None:
    """Add or replace one document (keyed by doc_type + object_id)."""
    index_documents(
        [
            DocumentData(
                doc_type=doc_type,
                object_id=str(object_id),
                title=title,
                url=url,
                kind=kind,
                kind_label=str(kind_label),
                visibility=visibility,
                body=body,
                tags=tuple(tags),
                published_at=published_at,
            )
        ],
        now=now,
    )


@transaction.atomic
def index_documents(entries: Iterable[DocumentData], *, now: datetime | None = None) -> int:
    """Add or replace many documents in batches; returns how many were indexed."""
    now = resolve_now(now)
    count = 0
    batch: list[DocumentData] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= BATCH:
            count += _index_batch(batch, now)
            batch = []
    if batch:
        count += _index_batch(batch, now)
    return count


def _index_batch(batch: list[DocumentData], now: datetime) -> int:
    rows = []
    for e in batch:
        rows.append(
            SearchDocument(
                doc_type=e.doc_type,
                object_id=str(e.object_id),
                title=e.title[:300],
                url=e.url,
                kind=e.kind,
                kind_label=str(e.kind_label)[:60],
                visibility=e.visibility,
                text=" ".join(e.body.split())[:TEXT_CHARS],
                title_norm=normalise_for_index(e.title),
                tags_norm=normalise_for_index(" ".join(e.tags)),
                body_norm=normalise_for_index(e.body),
                published_at=e.published_at,
                updated_at=now,
            )
        )
    SearchDocument.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["doc_type", "object_id"],
        update_fields=[
            "title",
            "url",
            "kind",
            "kind_label",
            "visibility",
            "text",
            "title_norm",
            "tags_norm",
            "body_norm",
            "published_at",
            "updated_at",
        ],
    )
    if any(row.pk is None for row in rows):
        keys = {(r.doc_type, r.object_id): r for r in rows}
        lookup = Q()
        for doc_type, object_id in keys:
            lookup |= Q(doc_type=doc_type, object_id=object_id)
        for pk, doc_type, object_id in SearchDocument.objects.filter(lookup).values_list(
            "pk", "doc_type", "object_id"
        ):
            keys[(doc_type, object_id)].pk = pk
    backends.for_connection().write(rows)
    return len(rows)


@transaction.atomic
def remove_document(*, doc_type: str, object_id: str | int) -> None:
    """Drop a document from the index; removing an unknown one is a no-op."""
    pks = list(
        SearchDocument.objects.filter(doc_type=doc_type, object_id=str(object_id)).values_list(
            "pk", flat=True
        )
    )
    if pks:
        backends.for_connection().delete(pks)
        SearchDocument.objects.filter(pk__in=pks).delete()


def _variants(query: str) -> list[str]:
    """The query plus its rewrites through the editors' synonym groups (红冲 → 红字冲销)."""
    variants = [query]
    lowered = query.lower()
    for group in Synonym.objects.all():
        terms = group.term_list
        present = [t for t in terms if t.lower() in lowered]
        for term in present:
            for variant in list(variants):
                for alternative in terms:
                    rewritten = variant.replace(term, alternative)
                    if rewritten not in variants and len(variants) < MAX_VARIANTS:
                        variants.append(rewritten)
    return variants


def search(
    *,
    query: str,
    user,
    kinds: Sequence[str] | None = None,
    limit: int = 20,
    offset: int = 0,
    count: bool = True,
    now: datetime | None = None,
) -> SearchResults:
    """Documents matching `query` that `user` may see, best first.

    Every run of the query must occur in a document (title, tags or body); synonyms widen the
    match. A query of one character falls back to a substring match.
    """
    now = resolve_now(now)
    query = (query or "").strip()[:200]
    results = SearchResults(query=query)
    variants = [normalise_query(v) for v in _variants(query)]
    variants = [v for v in variants if v]
    if not variants:
        return results
    filters = backends.Filters(
        visibilities=visibilities_for(user), kinds=tuple(kinds or ()), now=now, limit=limit, offset=offset
    )
    needles = {phrase_text(p) for v in variants for p in v}
    full = [tuple(p for p in v if not is_single_character(p)) for v in variants]
    full = [v for v in full if v]
    if full:
        scored, total = backends.for_connection().query(full, filters, count=count)
    else:
        scored, total = _like_query(query, filters, count=count)
    results.hits.extend(build_hits(scored, needles))
    results.total = total if count else len(results.hits)
    results.total_capped = total >= COUNT_CAP
    return results


def build_hits(scored: Sequence[tuple[int, float]], needles: set[str]) -> list[SearchHit]:
    """Search hits, in the order given, for (document pk, score) pairs."""
    docs = SearchDocument.objects.in_bulk([pk for pk, _ in scored])
    return [
        SearchHit(
            title=doc.title,
            url=doc.url,
            kind=doc.kind,
            kind_label=doc.kind_label,
            snippet=snippet(doc.text, needles),
            title_html=highlight(doc.title, needles),
            score=score,
            doc_type=doc.doc_type,
            object_id=doc.object_id,
        )
        for pk, score in scored
        if (doc := docs.get(pk)) is not None
    ]


def _like_query(
    query: str, filters: "backends.Filters", *, count: bool
) -> tuple[list[tuple[int, float]], int]:
    """One-character queries: no bigram can match, so a (small-result) substring scan."""
    qs = backends.visible_documents(filters).filter(Q(title__icontains=query) | Q(text__icontains=query))
    qs = qs.annotate(
        title_hit=Case(
            When(title__icontains=query, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    ).order_by("-title_hit", "-updated_at", "pk")
    page = list(qs.values_list("pk", "title_hit")[filters.offset : filters.offset + filters.limit])
    total = qs[:COUNT_CAP].count() if count else len(page)
    return [(pk, float(hit)) for pk, hit in page], total


def rebuild_fulltext() -> int:
    """Rewrite the full-text side from the document table (after a restore or a flush)."""
    backend = backends.for_connection()
    backend.clear()
    written = 0
    batch: list[SearchDocument] = []
    for doc in SearchDocument.objects.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(doc)
        if len(batch) >= BATCH:
            backend.write(batch)
            written += len(batch)
            batch = []
    if batch:
        backend.write(batch)
        written += len(batch)
    return written


__all__ = [
    "DocumentData",
    "SearchHit",
    "SearchResults",
    "index_document",
    "index_documents",
    "rebuild_fulltext",
    "remove_document",
    "search",
]
