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

The shared part is `search.backends.base`; each vendor's half is a module of its own
(`search.backends.sqlite`, `search.backends.postgres`); `for_connection` picks the one of the
current connection. Every name callers import from `search.backends` is here, but not the
tunables (windows, samples, thresholds): the code reads those from the module that defines
them, so a test patches that module (`backends.base`, `backends.sqlite`,
`backends.postgres`), and a patch of `search.backends.NAME` fails instead of doing nothing.
"""

from django.db import connection

from .base import (
    COMMON,
    COUNT_CAP,
    RARE,
    TABLE,
    VERY_COMMON,
    Filters,
    PlannedTerm,
    Relevance,
    all_then_any,
    anywhere,
    checked_collection,
    commonness,
    count_documents,
    estimated_frequency,
    ids_window,
    matchable,
    meta_tokens,
    satisfying,
    visible_documents,
)
from .postgres import PostgresBackend
from .sqlite import SqliteBackend

__all__ = [
    "COMMON",
    "COUNT_CAP",
    "RARE",
    "TABLE",
    "VERY_COMMON",
    "Filters",
    "PlannedTerm",
    "PostgresBackend",
    "Relevance",
    "SqliteBackend",
    "all_then_any",
    "anywhere",
    "checked_collection",
    "commonness",
    "count_documents",
    "estimated_frequency",
    "for_connection",
    "ids_window",
    "matchable",
    "meta_tokens",
    "satisfying",
    "visible_documents",
]


def for_connection():
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SqliteBackend()
