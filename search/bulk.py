"""Adding many new documents to the index at once (`seed_demo --tickets N`, imports).

The same rows `index_documents` writes (`engine.unanalysed_document` + `engine.analyse`),
written through a `core.bulkload.BulkLoad` as plain tuples with ids the caller numbers, and
the full-text side in the same pass: the FTS5 table on SQLite, the `search_vector` column
on PostgreSQL (its GIN index is one of the indexes the load re-creates at the end).

Analysis is the cost of indexing (jieba on every title and body): texts repeated across
documents are analysed once (`normalise_for_index` keeps a cache), and a caller that knows
how a title is composed may hand its tokens in (`title_norm`), as the ticket generator does.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from core.bulkload import BulkLoad, Rows
from search.models import SearchDocument

from . import backends
from .engine import DocumentData, analyse, unanalysed_document
from .tokenize import normalise_for_index

TABLES = (SearchDocument._meta.db_table,)


@dataclass(frozen=True)
class NewDocument:
    """A document not in the index yet, the id its row gets, and optionally its title's tokens."""

    pk: int
    data: DocumentData
    title_norm: str | None = None


class BulkIndexer:
    """Writes new documents through one bulk load. Precondition: none of them is indexed yet
    (no (doc_type, object_id) already stored) and their ids are free."""

    def __init__(self, load: BulkLoad, *, now: datetime) -> None:
        self.load = load
        self.now = now
        self.rows = Rows(SearchDocument)
        self.postgres = load.vendor == "postgresql"

    def add(self, documents: Sequence[NewDocument]) -> int:
        docs = []
        for new in documents:
            doc = unanalysed_document(new.data, self.now)
            doc.pk = new.pk
            if new.title_norm is None:
                analyse(doc)
            else:
                doc.title_norm = new.title_norm
                doc.tags_norm = normalise_for_index(doc.tags_text)
                doc.body_norm = normalise_for_index(doc.text)
            docs.append(doc)
        values = [self.rows.row(doc.__dict__) for doc in docs]
        if self.postgres:
            columns = [*self.rows.columns, "search_vector"]
            vectors = [backends.PostgresBackend.vector_literal(doc) for doc in docs]
            self.load.insert(
                self.rows.table, columns, [(*v, vector) for v, vector in zip(values, vectors, strict=True)]
            )
            return len(docs)
        self.load.insert(self.rows.table, self.rows.columns, values)
        by_table: dict[str, list[tuple]] = {}
        for doc in docs:
            table = backends.SqliteBackend.table(doc.collection)
            by_table.setdefault(table, []).append(
                (doc.pk, doc.title_norm, doc.tags_norm, doc.body_norm, backends.meta_tokens(doc))
            )
        for table, rows in by_table.items():
            self.load.insert(table, ["rowid", "title", "tags", "body", "meta"], rows)
        return len(docs)
