"""The one search service: index documents from any app, rank them for any user.

Writes store each document's text and its tokens (`search.tokenize`) in `SearchDocument`
and the full-text side (`search.backends`). Reads parse the query (`search.query`), let
the database find candidates and rank them in `search.scoring` (see `search.ranking`).
Visibility is filtered in SQL and checked again before a hit is built.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.safestring import SafeString

from core.clock import resolve_now
from search.models import Collection, SearchDocument, visibilities_for

from . import backends, labels, ranking, scoring
from .erp import detect_erp_systems
from .highlight import highlight, snippet
from .tokenize import normalise_for_index

# The body is stored and analysed up to here (a long ticket conversation is cut); keeping
# both at one length is what lets `rebuild_fulltext(reanalyse=True)` redo the analysis.
BODY_CHARS = 20_000
COUNT_CAP = backends.COUNT_CAP
BATCH = 500


@dataclass(frozen=True)
class DocumentData:
    """What a feeding app hands to the index for one item.

    The last four fields are ranking signals, all optional: `changed_at` (when the content
    last changed; recent items rank slightly higher), `solved` (a solved forum topic or an
    accepted answer ranks above loose matches), `popularity` (helpful votes; a little
    higher) and `erp_systems` (ErpSystem values; read off the title and tags when empty).
    """

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
    changed_at: datetime | None = None
    solved: bool = False
    popularity: int = 0
    erp_systems: Sequence[str] = ()
    # Which index it lives in (search.models.Collection): tickets apart from public content.
    collection: str = Collection.CONTENT


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
    solved: bool = False
    changed_at: datetime | None = None
    erp_systems: tuple[str, ...] = ()
    coverage: float = 1.0


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    total_capped: bool = False
    # A spelling that finds something, offered when the query found nothing ("did you mean").
    suggestion: str = ""

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
    changed_at: datetime | None = None,
    solved: bool = False,
    popularity: int = 0,
    erp_systems: Sequence[str] = (),
    collection: str = Collection.CONTENT,
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
                changed_at=changed_at,
                solved=solved,
                popularity=popularity,
                erp_systems=tuple(erp_systems),
                collection=collection,
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


def analyse(doc: SearchDocument) -> SearchDocument:
    """Fill the token columns from the stored text (on indexing, and to redo the analysis)."""
    doc.title_norm = normalise_for_index(doc.title)
    doc.tags_norm = normalise_for_index(doc.tags_text)
    doc.body_norm = normalise_for_index(doc.text)
    return doc


def _document(e: DocumentData, now: datetime) -> SearchDocument:
    return analyse(unanalysed_document(e, now))


def unanalysed_document(e: DocumentData, now: datetime) -> SearchDocument:
    """The document row of `e` as stored, before its token columns are filled (`analyse`)."""
    tags = [str(t) for t in e.tags]
    erp = e.erp_systems or detect_erp_systems(e.title, tags)
    return SearchDocument(
        doc_type=e.doc_type,
        object_id=str(e.object_id),
        title=e.title[:300],
        url=e.url,
        kind=e.kind,
        kind_label=str(e.kind_label)[:60],
        visibility=e.visibility,
        text=" ".join(e.body.split())[:BODY_CHARS],
        tags_text="\n".join(tags),
        published_at=e.published_at,
        updated_at=now,
        changed_at=e.changed_at,
        solved=e.solved,
        popularity=max(int(e.popularity), 0),
        erp_systems=" ".join(sorted(set(erp)))[:100],
        collection=backends.checked_collection(e.collection),
    )


UPDATED_FIELDS = [
    "title", "url", "kind", "kind_label", "visibility", "text", "tags_text", "title_norm", "tags_norm",
    "body_norm", "published_at", "updated_at", "changed_at", "solved", "popularity", "erp_systems", "collection",
]  # fmt: skip


def analyse_documents(
    entries: Iterable[DocumentData], *, now: datetime | None = None
) -> list[SearchDocument]:
    """The index rows of these documents, analysed but not stored: the slow half of indexing
    (the tokenizer), for a caller that runs it before its write transaction, so SQLite's
    write lock is not held meanwhile, and stores the rows with `write_documents` inside it."""
    now = resolve_now(now)
    return [_document(e, now) for e in entries]


@transaction.atomic
def write_documents(rows: Sequence[SearchDocument]) -> int:
    """Add or replace rows made by `analyse_documents`; returns how many were written."""
    for start in range(0, len(rows), BATCH):
        _write_batch(list(rows[start : start + BATCH]))
    return len(rows)


def _index_batch(batch: list[DocumentData], now: datetime) -> int:
    return _write_batch([_document(e, now) for e in batch])


def _write_batch(rows: list[SearchDocument]) -> int:
    SearchDocument.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["doc_type", "object_id"], update_fields=UPDATED_FIELDS
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


def set_popularity(*, doc_type: str, object_id: str | int, popularity: int) -> None:
    """Update one ranking signal without re-indexing (a reader's vote, an accepted answer)."""
    SearchDocument.objects.filter(doc_type=doc_type, object_id=str(object_id)).update(
        popularity=max(int(popularity), 0)
    )


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


def search(
    *,
    query: str,
    user,
    kinds: Sequence[str] | None = None,
    limit: int = 20,
    offset: int = 0,
    count: bool = True,
    now: datetime | None = None,
    erp_system: str | None = None,
    require_all: bool = False,
    strictness: scoring.Strictness = scoring.PAGE,
    collection: str = Collection.CONTENT,
) -> SearchResults:
    """Documents relevant to `query` that `user` may see, best first, from one collection.

    Ranked by relevance (`search.ranking`): a long question finds the article that answers
    most of it. `erp_system` favours documents about that system (the wizard knows the
    customer's). `require_all` keeps only documents that satisfy every term, for filters
    such as the agents' ticket search. A query of lone characters falls back to a
    substring match; a query that finds nothing may carry a `suggestion`.
    """
    now = resolve_now(now)
    query = " ".join((query or "").split())[:200]
    results = SearchResults(query=query)
    if not query:
        return results
    limit, offset = max(int(limit), 0), max(int(offset), 0)
    filters = backends.Filters(
        visibilities=visibilities_for(user),
        kinds=tuple(kinds or ()),
        now=now,
        limit=limit,
        offset=offset,
        collection=backends.checked_collection(collection),
    )
    parsed = ranking.parse_query(query)
    if not parsed.terms or parsed.single_characters_only:
        scored, total = _like_query(query, filters, count=count)
        results.hits.extend(build_hits(scored, {query}))
        results.total = total
        return results
    pool = max(ranking.POOL, offset + limit + 1)
    ranked = ranking.rank(
        parsed,
        filters,
        pool=pool,
        erp_system=erp_system,
        require_all=require_all,
        strictness=strictness,
    )
    page = ranked.scored[offset : offset + limit]
    rows = [(s.pk, s.score, s.coverage) for s in page]
    results.hits.extend(build_hits(rows, parsed.needles, documents=ranked.documents))
    results.total = len(ranked.scored)
    # Only a pool that was full and kept whole hints at more: what ranked below the kept
    # ones would not have been kept either.
    results.total_capped = ranked.more and len(ranked.scored) >= pool
    if not ranked.scored and not require_all and offset == 0:
        results.suggestion = _checked_suggestion(ranking.did_you_mean(parsed, filters), filters)
    return results


def matching_ids(
    *,
    query: str,
    user,
    collection: str,
    kinds: Sequence[str] | None = None,
    limit: int = 500,
    now: datetime | None = None,
) -> list[str]:
    """Object ids of the documents `user` may see that satisfy every term of `query`.

    Ordered by relevance (the database's rank, in steps) and then by recency, with no
    snippet built and no document text read: for filters over a large collection, such as
    the agents' ticket search, where the page lists references. Synonyms and everyday
    phrasing count as they do in `search`; lone characters match nothing here.
    """
    query = " ".join((query or "").split())[:200]
    if not query:
        return []
    filters = backends.Filters(
        visibilities=visibilities_for(user),
        kinds=tuple(kinds or ()),
        now=resolve_now(now),
        limit=limit,
        offset=0,
        collection=backends.checked_collection(collection),
    )
    parsed = ranking.parse_query(query, prefix_last=False)
    if not parsed.terms:
        return []
    return ranking.ranked_ids(parsed, filters, limit=max(int(limit), 0))


def _checked_suggestion(suggestion: str, filters: backends.Filters) -> str:
    if not suggestion:
        return ""
    found = ranking.rank(ranking.parse_query(suggestion), filters, pool=1)
    return suggestion if found.scored else ""


def build_hits(
    scored: Sequence[tuple], needles: Iterable[str], *, documents: dict | None = None
) -> list[SearchHit]:
    """Search hits, in the order given, for (document pk, score[, coverage]) tuples."""
    needles = set(needles)
    docs = documents if documents is not None else SearchDocument.objects.in_bulk([row[0] for row in scored])
    return [
        SearchHit(
            title=doc.title,
            url=doc.url,
            kind=doc.kind,
            kind_label=labels.label(doc.kind, doc.kind_label),
            snippet=snippet(doc.text, needles),
            title_html=highlight(doc.title, needles),
            score=row[1],
            doc_type=doc.doc_type,
            object_id=doc.object_id,
            solved=doc.solved,
            changed_at=doc.changed_at,
            erp_systems=tuple(doc.erp_systems.split()),
            coverage=row[2] if len(row) > 2 else 1.0,
        )
        for row in scored
        if (doc := docs.get(row[0])) is not None
    ]


def _like_query(query: str, filters: backends.Filters, *, count: bool) -> tuple[list[tuple[int, float]], int]:
    """Lone characters (账) and all-particle queries: no word to rank, so a substring scan."""
    qs = backends.visible_documents(filters).filter(Q(title__icontains=query) | Q(text__icontains=query))
    qs = qs.annotate(
        title_hit=Case(
            When(title__icontains=query, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    ).order_by("-title_hit", "-updated_at", "pk")
    page = list(qs.values_list("pk", "title_hit")[filters.offset : filters.offset + filters.limit])
    total = qs[:COUNT_CAP].count() if count else len(page)
    return [(pk, float(hit)) for pk, hit in page], total


def rebuild_fulltext(*, reanalyse: bool = False) -> int:
    """Rewrite the full-text side from the document table (after a restore or a flush).

    `reanalyse` also cuts every stored text again: after the segmenter's dictionary or the
    tokenizer changed, so old documents and new queries are analysed alike.
    """
    backend = backends.for_connection()
    backend.clear()
    written = 0
    batch: list[SearchDocument] = []

    def flush() -> None:
        nonlocal written, batch
        if reanalyse:
            for doc in batch:
                analyse(doc)
            SearchDocument.objects.bulk_update(batch, ["title_norm", "tags_norm", "body_norm"])
        backend.write(batch)
        written += len(batch)
        batch = []

    for doc in SearchDocument.objects.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(doc)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return written


__all__ = [
    "DocumentData",
    "SearchHit",
    "SearchResults",
    "index_document",
    "index_documents",
    "matching_ids",
    "rebuild_fulltext",
    "remove_document",
    "search",
    "set_popularity",
]
