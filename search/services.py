"""Writes to the search index; call them inside the transaction that changed the item."""

from .engine import (
    DocumentData,
    index_document,
    index_documents,
    rebuild_fulltext,
    remove_document,
    set_popularity,
)

__all__ = [
    "DocumentData",
    "index_document",
    "index_documents",
    "rebuild_fulltext",
    "remove_document",
    "set_popularity",
]
