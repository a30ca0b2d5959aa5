"""Writes to the search index; call them inside the transaction that changed the item."""

from .engine import (
    DocumentData,
    analyse_documents,
    index_document,
    index_documents,
    rebuild_fulltext,
    remove_document,
    set_popularity,
    write_documents,
)

__all__ = [
    "DocumentData",
    "analyse_documents",
    "index_document",
    "index_documents",
    "rebuild_fulltext",
    "remove_document",
    "set_popularity",
    "write_documents",
]
