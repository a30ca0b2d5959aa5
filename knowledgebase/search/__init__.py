"""The shared search service: knowledge base, forum and ticket search all feed and query it.

index_document(doc_type=..., object_id=..., title=..., url=..., kind=..., kind_label=...,
               visibility=..., body=..., tags=..., published_at=...)
remove_document(doc_type=..., object_id=...)
search(query=..., user=..., kinds=None, limit=20, offset=0) -> SearchResults
suggest(query=..., user=..., limit=5) -> SearchResults   (a typed summary: phrases, then partial matches)
"""

from .engine import (
    DocumentData,
    SearchHit,
    SearchResults,
    index_document,
    index_documents,
    rebuild_fulltext,
    remove_document,
    search,
)
from .suggest import suggest
from .tokenize import normalise_for_index, normalise_query

__all__ = [
    "DocumentData",
    "SearchHit",
    "SearchResults",
    "index_document",
    "index_documents",
    "normalise_for_index",
    "normalise_query",
    "rebuild_fulltext",
    "remove_document",
    "search",
    "suggest",
]
