from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from search.services import index_document

NOW = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)
ANON = AnonymousUser()


@pytest.fixture
def doc():
    """Index a document with sensible defaults; returns its object id."""
    counter = iter(range(1, 10**6))

    def make(title: str, body: str = "", **fields) -> str:
        object_id = fields.pop("object_id", str(next(counter)))
        fields.setdefault("kind", "article")
        fields.setdefault("kind_label", fields["kind"])
        fields.setdefault("visibility", "public")
        fields.setdefault("published_at", NOW - timedelta(days=1))
        fields.setdefault("url", f"/t/{object_id}/")
        index_document(
            doc_type=fields.pop("doc_type", "test"),
            object_id=object_id,
            title=title,
            body=body,
            now=NOW,
            **fields,
        )
        return object_id

    return make
