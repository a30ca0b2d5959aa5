"""The shared full-text engine: the knowledge base, the forum and ticket search feed and query it.

Writes: `search.services` (index_document(s), remove_document, rebuild_fulltext).
Reads: `search.selectors` (search, suggest). CJK text is indexed as overlapping two-character
chunks (SQLite FTS5) or the same chunks in a tsvector (PostgreSQL); see search/engine.py.
"""
