"""Reads from the search index: ranked results for the search page, suggestions for a summary."""

from .engine import SearchHit, SearchResults, search
from .suggest import suggest
from .tokenize import normalise_for_index, normalise_query

__all__ = ["SearchHit", "SearchResults", "normalise_for_index", "normalise_query", "search", "suggest"]
