"""Plans of the agents' ticket search: a bounded window, read newest first, ranked on its own.

At a million tickets the search stays under 20 ms only while the database reads the newest
matches in id order and stops at the window (FTS5 walking its doclists backwards; PostgreSQL
walking the primary key backwards for common words, the collection's GIN index for rare
ones), every relevance signal is asked of the window's ids only, and no step ranks or counts
every match (FTS5's bm25 does: it counts each word's documents over its whole doclist).
These tests fail when a change loses any of that.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import backends
from search.models import Collection
from search.selectors import matching_ids
from search.services import DocumentData, index_documents

from .conftest import NOW

pytestmark = pytest.mark.django_db

# FTS5's index flags (sqlite3 fts5_main.c): the cursor returns rows in rowid order, descending.
FTS5_ORDER_ROWID, FTS5_ORDER_DESC = 0x40, 0x80


@pytest.fixture
def tickets():
    index_documents(
        DocumentData(
            doc_type="ticket",
            object_id=str(n),
            title=f"KX-{n:06d} 凭证生成失败" + (" 打印模板" if n == 5 else "")
            if n % 10
            else f"KX-{n:06d} 打印模板 ERR-{n}",
            url=f"/t/{n}/",
            kind="ticket",
            kind_label="ticket",
            visibility="agents",
            body="客户反馈生成收款凭证时提示科目不存在，请帮忙看一下。",
            collection=Collection.TICKETS,
        )
        for n in range(1, 1501)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {backends.TABLE}")


def ids_query(query: str) -> str:
    agent = get_user_model().objects.create(email=f"plan-{query}@example.com", is_staff=True)
    with CaptureQueriesContext(connection) as captured:
        found = matching_ids(query=query, user=agent, collection=Collection.TICKETS, now=NOW)
    assert found
    return captured.captured_queries[-1]["sql"]


def sqlite_plan(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [str(row[-1]) for row in cursor.fetchall()]


# The common phrase is in most tickets; the codes in one each (with a common word, or not).
PKEY_BACKWARDS = ("Index Scan Backward using knowledgebase_searchdocument_pkey",)
# At a million tickets the GIN index (bench_ticket_search.py prints the plan); on a test-sized
# table PostgreSQL may read the 1,500 ticket rows off the collection index and recheck
# instead. Either way it reads tickets only, through an index.
TICKETS_BY_INDEX = ("search_vector_tickets_gin", "Index Cond: ((collection)::text = 'tickets'::text)")
QUERIES = {"凭证生成失败": PKEY_BACKWARDS, "ERR-1200": TICKETS_BY_INDEX, "客户反馈 ERR-300": TICKETS_BY_INDEX}


@pytest.fixture
def common_at_this_size(monkeypatch):
    """Window and span as a million tickets make them, for a table of 1,500: 凭证生成失败 (in
    1,350) is a common query, read over the newest ids only."""
    monkeypatch.setattr(backends.base, "COMMON_IDS_WINDOW", 100)
    monkeypatch.setattr(backends.postgres, "IDS_SPAN_FACTOR", 2)


@pytest.mark.parametrize("query", QUERIES)
def test_the_window_of_newest_matches_is_read_by_index_and_ranked_alone(tickets, common_at_this_size, query):
    sql = ids_query(query)
    assert "bm25" not in sql and "ts_rank" not in sql
    if connection.vendor == "sqlite":
        check_sqlite(sqlite_plan(sql))
    else:
        # Common words are matched row by row over the newest ids (no GIN condition), rare
        # ones through the index.
        assert ("ts_match_vq" in sql) == (QUERIES[query] == PKEY_BACKWARDS)
        check_postgresql(pg_plan(sql), QUERIES[query])


def test_common_words_seldom_together_are_still_found_however_old(tickets, common_at_this_size, monkeypatch):
    # 失败 (1,350 tickets) and 打印 (151) are both common here, and together only in the
    # oldest ticket but one: not among the newest ids, so PostgreSQL reads the index after all.
    monkeypatch.setattr(backends.base, "IDS_WINDOW", 100)
    monkeypatch.setattr(backends.postgres, "IDS_SPAN_FACTOR", 1)  # the newest 993 ids
    agent = get_user_model().objects.create(email="plan-seldom@example.com", is_staff=True)
    with CaptureQueriesContext(connection) as captured:
        found = matching_ids(query="失败 打印", user=agent, collection=Collection.TICKETS, now=NOW)
    assert found == ["5"]
    windows = [q["sql"] for q in captured.captured_queries if "OVER ()" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(windows) == 2 and "ts_match_vq" in windows[0] and "ts_match_vq" not in windows[1]


def check_sqlite(plan: list[str]) -> None:
    scans = [
        re.search(r"VIRTUAL TABLE INDEX (\d+):(\S*)", line) for line in plan if "search_fts_tickets" in line
    ]
    assert scans and all(scans), plan
    window, signals = scans[0], scans[1:]
    # The window: FTS5 itself returns the matches newest first, so LIMIT stops the walk.
    flags = int(window.group(1))
    assert flags & FTS5_ORDER_ROWID and flags & FTS5_ORDER_DESC, plan
    assert "MATERIALIZE w" in plan
    # Every signal (the phrase, each term's title and tags) is bounded below by the window's
    # smallest rowid (">" in FTS5's index string) and run once, not per row.
    assert signals and all(">" in s.group(2) for s in signals), plan
    assert sum("LIST SUBQUERY" in line for line in plan) == len(signals)
    assert not any("CORRELATED" in line for line in plan), plan
    # One sort, of the window: nothing sorts or ranks all the matches.
    assert sum("USE TEMP B-TREE" in line for line in plan) == 1, plan


def pg_plan(sql: str) -> str:
    with connection.cursor() as cursor:
        # A test-sized table fits in a few pages, where a scan is cheapest; ask for the plan
        # the planner makes on a real one (a scan is then never the cheapest way to a window).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def check_postgresql(plan: str, scans: tuple[str, ...]) -> None:
    lines = plan.splitlines()
    # The final order is a sort of the window's rows (Subquery Scan on w), and the window is a
    # Limit over an index read: never a scan of the table, never a sort of every match.
    window = next(i for i, line in enumerate(lines) if "Subquery Scan on w" in line)
    assert "Limit" in lines[window + 1], plan
    if scans == PKEY_BACKWARDS:
        assert "Index Cond: (id > " in plan, plan  # only the newest ids
    below = "\n".join(lines[window + 1 :])
    assert any(scan in below for scan in scans), plan
    assert "Seq Scan" not in plan, plan
    if scans == PKEY_BACKWARDS:
        assert "Sort" not in below, plan  # read in id order, stopped at the window


def test_common_words_frequencies_are_estimated_without_reading_their_matches(tickets, monkeypatch):
    monkeypatch.setattr(backends.base, "ESTIMATE_FROM", 1000)
    backends.PostgresBackend._stats.clear()
    backend = backends.for_connection()
    try:
        with CaptureQueriesContext(connection) as captured:
            df = backend.document_frequencies(["凭证", "err1200"], Collection.TICKETS, 1500)
    finally:
        backends.PostgresBackend._stats.clear()
    assert df["err1200"] == 1 and 1400 <= df["凭证"] <= 1500
    if connection.vendor == "sqlite":
        # Each token's newest DF_SAMPLE matches, read backwards off FTS5 and cut by LIMIT.
        (sql,) = [q["sql"] for q in captured.captured_queries]
        assert sql.count(f"ORDER BY rowid DESC LIMIT {backends.base.DF_SAMPLE}") == 2
        scans = [re.search(r"VIRTUAL TABLE INDEX (\d+):M", line) for line in sqlite_plan(sql)]
        walks = [int(m.group(1)) for m in scans if m]
        assert len(walks) == 2 and all(f & FTS5_ORDER_DESC for f in walks)
        return
    # PostgreSQL: the planner's statistics for the common lexeme; only the rare one is
    # counted, through an index of the collection's.
    counted = [q["sql"] for q in captured.captured_queries if "count(*)" in q["sql"]]
    assert len(counted) == 1 and "'凭证'" not in counted[0]
    plan = pg_plan(counted[0])
    assert any(mark in plan for mark in TICKETS_BY_INDEX) and "Seq Scan" not in plan, plan
