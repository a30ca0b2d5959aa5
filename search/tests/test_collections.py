"""Collections: tickets live in an index of their own, apart from public content.

A knowledge-base query (and a suggestion) never reads, counts or ranks ticket documents;
the ids-only search over a collection orders by relevance, then recency, and builds no
snippets. Query counts and plans are pinned on both databases: a plan that stops using the
collection's own index fails here.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import backends
from search.models import Collection, SearchDocument
from search.selectors import matching_ids, search, suggest
from search.services import DocumentData, index_documents

from .conftest import ANON, NOW

pytestmark = pytest.mark.django_db
_users = iter(range(10**6))


def user(*, staff: bool):
    return get_user_model().objects.create(email=f"c{next(_users)}@example.com", is_staff=staff)


@pytest.fixture
def both(doc):
    doc("凭证生成失败 ERR-7781", "科目不存在。", object_id="article")
    doc(
        "KX-000001 凭证生成失败 ERR-7781",
        "客户说科目不存在。",
        kind="ticket",
        visibility="agents",
        collection=Collection.TICKETS,
        object_id="1",
        changed_at=NOW - timedelta(days=3),
    )
    doc(
        "KX-000002 凭证生成失败 ERR-7781",
        "客户说科目不存在。",
        kind="ticket",
        visibility="agents",
        collection=Collection.TICKETS,
        object_id="2",
        changed_at=NOW - timedelta(days=1),
    )


def test_a_content_search_never_returns_ticket_documents_even_to_agents(both):
    agent = user(staff=True)
    for query in ("凭证生成失败", "ERR-7781", "科目不存在"):
        assert [h.object_id for h in search(query=query, user=agent, now=NOW).hits] == ["article"]
        assert [h.object_id for h in suggest(query=query, user=agent, now=NOW).hits] == ["article"]


def test_ticket_ids_come_by_relevance_then_the_most_recent_first(both, doc):
    for n in range(10, 30):  # enough other tickets for the code to be rare (bm25's idf)
        doc(
            f"KX-0000{n} 打印问题",
            "无关的描述。",
            kind="ticket",
            visibility="agents",
            collection=Collection.TICKETS,
            object_id=str(n),
        )
    doc(
        "KX-000003 打印问题",
        "很长的描述。" * 40 + "最后提到 ERR-7781。",
        kind="ticket",
        visibility="agents",
        collection=Collection.TICKETS,
        object_id="3",
        changed_at=NOW,
    )
    ids = matching_ids(query="ERR-7781", user=user(staff=True), collection=Collection.TICKETS, now=NOW)
    # 2 and 1 have the code in the title (equally relevant: the newer first); 3 only in passing.
    assert ids == ["2", "1", "3"]


def test_ticket_ids_need_every_term_and_count_synonyms(both):
    agent = user(staff=True)
    ids = matching_ids(query="凭证生成失败 打印", user=agent, collection=Collection.TICKETS, now=NOW)
    assert ids == []
    # 不行了 is everyday phrasing for 失败 (the built-in vocabulary).
    assert matching_ids(query="凭证不行了", user=agent, collection=Collection.TICKETS, now=NOW) == ["2", "1"]


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_customers_and_visitors_get_no_ticket_ids(both, who):
    viewer = ANON if who == "anonymous" else user(staff=False)
    assert matching_ids(query="ERR-7781", user=viewer, collection=Collection.TICKETS, now=NOW) == []


def test_an_unknown_collection_is_refused():
    with pytest.raises(ValueError, match="unknown search collection"):
        matching_ids(query="凭证", user=ANON, collection="everything")


def test_moving_a_document_to_another_collection_moves_its_index_entry(doc):
    doc("凭证生成失败", "", object_id="moving")
    doc("凭证生成失败", "", object_id="moving", collection=Collection.TICKETS, kind="ticket")
    assert search(query="凭证生成失败", user=ANON, now=NOW).hits == []
    assert matching_ids(query="凭证生成失败", user=ANON, collection=Collection.TICKETS, now=NOW) == ["moving"]
    assert SearchDocument.objects.get(object_id="moving").collection == Collection.TICKETS


def _sql(queries) -> str:
    return "\n".join(q["sql"] for q in queries)


def test_a_content_search_reads_nothing_of_the_ticket_index(both):
    agent = user(staff=True)
    with CaptureQueriesContext(connection) as captured:
        search(query="凭证生成失败", user=agent, now=NOW)
        suggest(query="凭证生成失败", user=agent, now=NOW)
    sql = _sql(captured.captured_queries)
    if connection.vendor == "sqlite":
        assert "search_fts_tickets" not in sql and "search_fts" in sql
    else:
        assert "collection = 'content'" in sql and "collection = 'tickets'" not in sql


def test_query_counts_of_the_hot_search_paths(both, django_assert_num_queries):
    agent = user(staff=True)
    # synonyms, document frequencies, collection size, candidates satisfying every term and
    # (the pool not being full) any term, then the documents
    with django_assert_num_queries(6):
        search(query="凭证生成失败", user=agent, now=NOW)
    # synonyms, document frequencies, collection size, ids — no document rows, no snippets
    with django_assert_num_queries(4):
        matching_ids(query="凭证生成失败", user=agent, collection=Collection.TICKETS, now=NOW)


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = off")  # a tiny table: ask what the index would do
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("SET enable_seqscan = on")


def test_the_collection_size_is_counted_on_its_own_index(both):
    plan = _plan(f"SELECT count(*) FROM {backends.TABLE} WHERE collection = %s", ["content"])
    assert "search_doc_collection" in plan


def _filler(collection: str, count: int) -> None:
    """Documents of other words, so the planner sees a table where an index pays."""
    index_documents(
        DocumentData(
            doc_type="filler",
            object_id=f"{collection}-{n}",
            title=f"打印 模板 {n}",
            url=f"/f/{collection}/{n}/",
            kind="ticket" if collection == Collection.TICKETS else "article",
            kind_label="",
            visibility="agents" if collection == Collection.TICKETS else "public",
            body=f"报表 格式 编号{n}",
            collection=collection,
        )
        for n in range(count)
    )


def test_matching_uses_the_collections_own_index(both):
    agent = user(staff=True)
    with CaptureQueriesContext(connection) as captured:
        search(query="凭证生成失败", user=agent, now=NOW)
        matching_ids(query="凭证生成失败", user=agent, collection=Collection.TICKETS, now=NOW)
    matches = [q["sql"] for q in captured.captured_queries if "MATCH" in q["sql"] or "@@" in q["sql"]]
    if connection.vendor == "sqlite":
        assert any("FROM search_fts WHERE search_fts MATCH" in sql for sql in matches)
        assert any("FROM search_fts_tickets WHERE search_fts_tickets MATCH" in sql for sql in matches)
        assert not any("search_fts_tickets" in sql for sql in matches if "search_fts WHERE" in sql)
        return
    _filler(Collection.CONTENT, 50)
    _filler(Collection.TICKETS, 1500)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {backends.TABLE}")
        # A test-sized table fits in a few pages, where a scan is cheapest; ask for the index
        # the planner would use on a real one.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plans = []
        for sql in matches:
            cursor.execute(f"EXPLAIN {sql}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    content = [plan for sql, plan in zip(matches, plans, strict=True) if "collection = 'content'" in sql]
    tickets = [
        plan
        for sql, plan in zip(matches, plans, strict=True)
        if "collection = 'tickets'" in sql and "ORDER BY" in sql
    ]
    # Content is small: its rows are found through its own partial GIN index or read straight
    # off the collection index; either way no ticket posting is read. Tickets are many: their
    # own partial GIN index for the ranked ids.
    own_rows = ("search_vector_content_gin", "Index Cond: ((collection)::text = 'content'::text)")
    assert content and all(any(mark in plan for mark in own_rows) for plan in content), content
    # With test-sized statistics PostgreSQL may also read the ticket rows straight off the
    # collection index and recheck the match; either way it reads tickets only.
    ticket_rows = ("search_vector_tickets_gin", "Index Cond: ((collection)::text = 'tickets'::text)")
    assert tickets and all(any(mark in plan for mark in ticket_rows) for plan in tickets), tickets
    assert not any("search_vector_content_gin" in plan for plan in tickets), tickets
    assert not any("search_vector_tickets_gin" in plan for plan in content)


def test_rebuilding_the_full_text_side_keeps_each_document_in_its_collection(both):
    from search.services import rebuild_fulltext

    assert rebuild_fulltext(reanalyse=True) == 3
    agent = user(staff=True)
    assert [h.object_id for h in search(query="ERR-7781", user=agent, now=NOW).hits] == ["article"]
    assert matching_ids(query="ERR-7781", user=agent, collection=Collection.TICKETS, now=NOW) == ["2", "1"]


def test_ticket_ids_rank_only_the_newest_matches_of_a_very_common_word(both, doc, monkeypatch):
    # A word in most of a million tickets: the ranking reads a bounded window of the newest
    # matches (here three, the term being in more documents than IDS_WINDOW), so the oldest
    # match is left out however relevant it is.
    monkeypatch.setattr(backends.base, "IDS_WINDOW", 2)
    monkeypatch.setattr(backends.base, "COMMON_IDS_WINDOW", 3)
    for n in range(3, 6):
        doc(
            f"KX-00000{n} 打印问题",
            "客户说 ERR-7781 又出现了。",
            kind="ticket",
            visibility="agents",
            collection=Collection.TICKETS,
            object_id=str(n),
            changed_at=NOW - timedelta(hours=n),
        )
    agent = user(staff=True)
    ids = matching_ids(query="ERR-7781", user=agent, collection=Collection.TICKETS, now=NOW)
    assert ids == ["3", "4", "5"]
    monkeypatch.setattr(backends.base, "IDS_WINDOW", 5000)
    ids = matching_ids(query="ERR-7781", user=agent, collection=Collection.TICKETS, now=NOW)
    # With room for every match, the older ones are back.
    assert sorted(ids) == ["1", "2", "3", "4", "5"]
