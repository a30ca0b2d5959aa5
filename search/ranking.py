"""One ranked retrieval for every caller: candidates from the database, order from `scoring`.

1. The query's tokens get their document frequencies (FTS5's vocabulary table, or a count
   over the GIN index) and the index its size: the idf of every alternative.
2. The database returns a pool of candidates: documents that satisfy any term (every term
   with `require_all`), visible to the user, best first by its own rank (FTS5 bm25 with
   title 5, tags 3, body 1; ts_rank_cd with the same weights, per term, times the term's
   idf). Very common tokens make candidates only through the title and tags.
3. `scoring.score_candidates` orders the pool from the stored tokens, so SQLite and
   PostgreSQL agree on the order, and `scoring.keep` drops what covers too little.
"""

import difflib
from dataclasses import dataclass, field

from django.db.models import Q

from search.models import SearchDocument, Synonym

from . import backends, scoring
from .query import ParsedQuery, parse
from .scoring import Candidate, Corpus, Scored
from .tokenize import clean, is_cjk, normalise_for_index

# Candidates weighed per query: enough for the first pages; deeper pages widen it.
POOL = 50
# Titles read for a "did you mean" (only when a query found nothing).
SPELLING_SAMPLE = 300
SPELLING_CUTOFF = 0.75
# What scoring reads and what a hit shows: one query serves both.
CANDIDATE_FIELDS = (
    "pk", "title", "title_norm", "tags_norm", "body_norm", "kind", "visibility", "published_at",
    "solved", "popularity", "changed_at", "erp_systems", "url", "kind_label", "text", "doc_type", "object_id",
)  # fmt: skip


@dataclass
class Ranked:
    scored: list[Scored]
    more: bool  # the pool was full: there may be further matches beyond it
    documents: dict[int, SearchDocument] = field(default_factory=dict)


_groups_cache: tuple[tuple[str, ...], list[list[str]]] | None = None


def synonym_groups() -> list[list[str]]:
    """The editors' groups, merged where they share a term (two groups both naming 红冲 are one).

    The rows are read on every query (one small query, so an editor's change counts at once in
    every process); merging them is redone only when they changed.
    """
    global _groups_cache
    rows = tuple(Synonym.objects.values_list("terms", flat=True))
    cached = _groups_cache
    if cached is not None and cached[0] == rows:
        return cached[1]
    groups: list[set[str]] = []
    for terms in rows:
        group = {clean(t).strip() for t in Synonym(terms=terms).term_list if clean(t).strip()}
        overlapping = [g for g in groups if g & group]
        for g in overlapping:
            group |= g
            groups.remove(g)
        if group:
            groups.append(group)
    merged = [sorted(g, key=lambda t: (-len(t), t)) for g in groups]
    _groups_cache = (rows, merged)
    return merged


def parse_query(query: str, *, prefix_last: bool = True) -> ParsedQuery:
    return parse(query, synonyms=synonym_groups(), prefix_last=prefix_last)


def corpus_for(parsed: ParsedQuery, backend, collection: str, extra: frozenset[str] = frozenset()) -> Corpus:
    documents = backends.count_documents(collection)
    df = backend.document_frequencies(sorted(parsed.tokens | extra), collection, documents)
    return Corpus(documents=documents, df=df)


def plan(parsed: ParsedQuery, corpus: Corpus) -> list[backends.PlannedTerm] | None:
    """The terms the database can match; None when a required term can match nothing."""
    planned = []
    for term in parsed.terms:
        known = [a for a in term.alternatives if corpus.known(a)]
        if not known:
            continue
        common = tuple(
            backends.RARE
            if a.prefix
            else backends.commonness(min(corpus.df[t] for t in a.tokens), corpus.documents)
            for a in known
        )
        idf = max(a.weight * corpus.idf(a) for a in known)
        df = sum(
            min(corpus.df.get(t, 0) for t in a.tokens) for a in backends.satisfying(known) if not a.prefix
        )
        df = corpus.documents if any(a.prefix for a in known) else min(df, corpus.documents)
        planned.append(backends.PlannedTerm(tuple(known), common, idf, df))
    return planned


def rank(
    parsed: ParsedQuery,
    filters: backends.Filters,
    *,
    pool: int = POOL,
    erp_system: str | None = None,
    require_all: bool = False,
    strictness: scoring.Strictness = scoring.PAGE,
) -> Ranked:
    backend = backends.for_connection()
    corpus = corpus_for(parsed, backend, filters.collection)
    planned = plan(parsed, corpus)
    if not planned or (require_all and len(planned) < len(parsed.terms)):
        return Ranked([], False)
    pks, more = backend.candidates(planned, filters, limit=pool, require_all=require_all)
    visible = set(filters.visibilities)
    kinds = set(filters.kinds)
    documents = {
        doc.pk: doc
        for doc in SearchDocument.objects.filter(pk__in=pks).only(*CANDIDATE_FIELDS)
        # The database filtered already; checked again here because this is the last step
        # before a customer sees the document (and FTS5 does not know publication times).
        if doc.visibility in visible
        and (not kinds or doc.kind in kinds)
        and (doc.published_at is None or doc.published_at <= filters.now)
    }
    candidates = [
        Candidate(
            pk=doc.pk,
            title=doc.title,
            title_norm=doc.title_norm,
            tags_norm=doc.tags_norm,
            body_norm=doc.body_norm,
            kind=doc.kind,
            solved=doc.solved,
            popularity=doc.popularity,
            changed_at=doc.changed_at,
            erp_systems=frozenset(doc.erp_systems.split()),
        )
        for doc in documents.values()
    ]
    scored = scoring.score_candidates(parsed, candidates, corpus, now=filters.now, erp_system=erp_system)
    kept = scoring.keep(scored, terms=len(parsed.terms), require_all=require_all, strictness=strictness)
    return Ranked(kept, more, documents)


def ranked_ids(parsed: ParsedQuery, filters: backends.Filters, *, limit: int) -> list[str]:
    """Object ids of the documents that satisfy every term, by relevance then recency (no text read).

    The typed text analysed as a document's is (`normalise_for_index`) is the phrase that
    ranks first: the same words in the same place in a document give the same tokens.
    """
    backend = backends.for_connection()
    phrase = tuple(normalise_for_index(parsed.text).split())
    corpus = corpus_for(parsed, backend, filters.collection, frozenset(phrase))
    planned = plan(parsed, corpus)
    if not planned or len(planned) < len(parsed.terms):
        return []
    if not all(corpus.df.get(t) for t in phrase):
        phrase = ()
    return backend.ranked_ids(planned, filters, limit=limit, phrase=phrase, documents=corpus.documents)


def did_you_mean(parsed: ParsedQuery, filters: backends.Filters) -> str:
    """A spelling close to the query's unknown words, from titles and tags the user may see."""
    corpus = corpus_for(parsed, backends.for_connection(), filters.collection)
    text, changed = parsed.text, False
    for term in parsed.terms:
        word = term.alternatives[0].tokens[0]
        # Latin words only: Chinese typed through an input method comes out as real words,
        # and its slips are homophones, which spelling distance does not find.
        if len(word) < 3 or is_cjk(word[0]) or corpus.df.get(word) or term.text not in text:
            continue
        nearby = (
            backends.visible_documents(filters)
            .filter(Q(title_norm__contains=word[:1]) | Q(tags_norm__contains=word[:1]))
            .values_list("title_norm", "tags_norm")[:SPELLING_SAMPLE]
        )
        vocabulary = {
            t for title, tags in nearby for t in f"{title} {tags}".split() if abs(len(t) - len(word)) <= 2
        }
        close = difflib.get_close_matches(word, sorted(vocabulary), n=1, cutoff=SPELLING_CUTOFF)
        if close:
            text, changed = text.replace(term.text, close[0], 1), True
    return text if changed else ""
