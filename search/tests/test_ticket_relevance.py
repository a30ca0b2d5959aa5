"""The agents' ticket search orders a bounded window of matches the way an agent reads them.

An agent pastes a customer's phrase or an error code and expects the tickets that have it as
typed first, the code's tickets before those that only share a common word, and equally good
ones newest first; the same order on SQLite and PostgreSQL. At a million tickets only the
newest matches of common words are ranked, while every match of a rare one is.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from search import backends
from search.models import Collection
from search.selectors import matching_ids
from search.services import DocumentData, index_documents

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["narrow", "wide"])
def window_span(request, monkeypatch):
    """SQLite asks each relevance question alone over a window of few ids and with the whole
    query over a wide one: both ways must give the same order."""
    if request.param == "wide":
        monkeypatch.setattr(backends.sqlite, "IDS_NARROW_SPAN", 0)


@pytest.fixture
def agent():
    return get_user_model().objects.create(email="agent-relevance@example.com", is_staff=True)


@pytest.fixture
def ticket(doc):
    def make(number: int, subject: str, description: str, *, age_days: float, tags=()) -> str:
        return doc(
            f"KX-{number:06d} {subject}",
            description,
            object_id=str(number),
            kind="ticket",
            visibility="agents",
            collection=Collection.TICKETS,
            tags=tags,
            changed_at=NOW - timedelta(days=age_days),
        )

    return make


@pytest.fixture
def everyday_tickets():
    """Tickets about vouchers that share the common words (凭证 is in most tickets)."""
    index_documents(
        DocumentData(
            doc_type="test",
            object_id=str(900 + n),
            title=f"KX-{900 + n:06d} 凭证打印格式问题",
            url=f"/t/{900 + n}/",
            kind="ticket",
            kind_label="ticket",
            visibility="agents",
            body="客户反馈凭证打印出来格式不对，请帮忙看一下。",
            collection=Collection.TICKETS,
            changed_at=NOW - timedelta(days=30 + n),
        )
        for n in range(30)
    )


def ids(query: str, user) -> list[str]:
    found = matching_ids(query=query, user=user, collection=Collection.TICKETS, now=NOW)
    return [i for i in found if int(i) < 900]


def test_the_customers_exact_phrase_comes_before_the_same_words_scattered(agent, ticket, everyday_tickets):
    ticket(1, "收款单报错", "客户说凭证生成失败，科目 1122 不存在。", age_days=9)
    # Newer, and all three words in its subject, but not as the customer wrote them.
    ticket(2, "生成凭证时失败", "点击生成凭证后提示失败，重试后正常。", age_days=1)
    assert ids("凭证生成失败", agent) == ["1", "2"]


def test_a_rare_error_code_counts_for_more_than_a_common_word(agent, ticket, everyday_tickets):
    ticket(11, "冲销失败 ERR-7781", "红冲时凭证没有生成。", age_days=6)
    # Newer; 凭证 (in most tickets) in its subject, the code only in passing.
    ticket(12, "凭证过账很慢", "过账要等很久，日志里偶尔有 ERR-7781。", age_days=2)
    assert ids("ERR-7781 凭证", agent) == ["11", "12"]


def test_words_in_the_subject_come_before_words_only_in_the_description(agent, ticket, everyday_tickets):
    ticket(21, "银企直连", "银行回单下载后没有匹配。", age_days=5)
    ticket(22, "插件登录失败", "后来发现是银企直连的证书过期了。", age_days=1)
    assert ids("银企直连", agent) == ["21", "22"]


def test_equally_relevant_tickets_come_newest_first(agent, ticket, everyday_tickets):
    ticket(31, "汇率折算差异", "外币收款单汇率折算后差一分钱。", age_days=20)
    ticket(32, "汇率折算差异", "外币收款单汇率折算后差一分钱。", age_days=3)
    ticket(33, "汇率折算差异", "外币收款单汇率折算后差一分钱。", age_days=8)
    assert ids("汇率折算", agent) == ["32", "33", "31"]


def test_a_common_word_is_found_in_the_description_too(agent, ticket, everyday_tickets):
    # Every term must be there, in any field: the customer's organization is in the tags.
    ticket(41, "过账失败", "期间已结账。", age_days=4, tags=["华东纺织集团"])
    ticket(42, "过账失败", "期间已结账。", age_days=2)
    assert ids("华东纺织 过账失败", agent) == ["41"]


def test_every_match_of_a_rare_code_is_ranked_however_old(agent, ticket, monkeypatch):
    monkeypatch.setattr(backends.base, "IDS_WINDOW", 3)
    monkeypatch.setattr(backends.base, "COMMON_IDS_WINDOW", 1)
    for n in range(51, 54):
        ticket(n, "同步失败", f"错误 ERR-4090，第 {n} 次。", age_days=n)
    # Three matches: no more than IDS_WINDOW, so all of them, not the newest COMMON_IDS_WINDOW.
    assert ids("ERR-4090", agent) == ["51", "52", "53"]


def _queries(run) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return [q["sql"] for q in captured.captured_queries]


def test_frequencies_of_a_large_collection_are_estimated_not_counted(agent, ticket, monkeypatch):
    for n in range(60, 80):
        ticket(n, "打印模板" if n % 2 else "报表格式", "无关的描述。", age_days=n)
    ticket(80, "证书过期", "ERR-5001", age_days=1)
    backend = backends.for_connection()
    exact = backend.document_frequencies(["打印", "err5001"], Collection.TICKETS, 21)
    assert exact == {"打印": 10, "err5001": 1}
    monkeypatch.setattr(backends.base, "ESTIMATE_FROM", 20)
    if connection.vendor == "sqlite":
        # The newest DF_SAMPLE matches: exact below that, their density above it.
        monkeypatch.setattr(backends.base, "DF_SAMPLE", 4)
        estimated = backend.document_frequencies(["打印", "err5001"], Collection.TICKETS, 21)
        assert estimated["err5001"] == 1
        assert 8 <= estimated["打印"] <= 12
    else:
        # The planner's most common lexemes: gathered by ANALYZE (autovacuum does it live).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {backends.TABLE}")
        backends.PostgresBackend._stats.clear()
        estimated = backend.document_frequencies(["打印", "err5001"], Collection.TICKETS, 21)
        sql = "\n".join(
            _queries(lambda: backend.document_frequencies(["打印", "err5001"], Collection.TICKETS, 21))
        )
        assert estimated["err5001"] == 1
        assert 8 <= estimated["打印"] <= 12
        # The common lexeme was not counted (the statistics are a minute old at most).
        assert "'打印'" not in sql
        backends.PostgresBackend._stats.clear()
    assert ids("打印", agent) == [str(n) for n in range(61, 80, 2)]


def test_the_estimate_is_the_share_of_the_newest_matches():
    assert backends.estimated_frequency(1000, 1000, 1_000_000) == 1_000_000
    assert backends.estimated_frequency(1000, 7000, 1_000_000) == 142_857
    # Never fewer than were seen, never more than there are.
    assert backends.estimated_frequency(1000, 10**9, 1_000_000) == 1000
    assert backends.estimated_frequency(1000, 10, 5000) == 5000
