"""Reads from the search index: ranked results for the search page, suggestions for a summary."""

from .engine import SearchHit, SearchResults, matching_ids, search
from .suggest import suggest
from .tokenize import normalise_for_index, normalise_query

__all__ = [
    "SearchHit",
    "SearchResults",
    "matching_ids",
    "normalise_for_index",
    "normalise_query",
    "search",
    "suggest",
]
