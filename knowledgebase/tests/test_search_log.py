"""The search log is written off the request path: buffered, then one batch after a response."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helpdesk.tests.factories import CustomerFactory
from knowledgebase.models import SearchQuery
from knowledgebase.services import search_log

from .factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_buffer():
    search_log.discard()
    yield
    search_log.discard()


def _inserts(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "INSERT" in q["sql"] and "searchquery" in q["sql"]]


def test_a_search_writes_no_row_inside_its_request(client, settings):
    settings.SEARCH_LOG_BATCH = 50
    article(title="凭证生成失败：科目不存在")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("search"), {"q": "科目"})
    assert response.status_code == 200
    assert _inserts(captured) == [] and not SearchQuery.objects.exists()
    assert search_log.pending() == 1


def test_a_full_batch_is_written_in_one_insert_after_a_response(client, settings):
    settings.SEARCH_LOG_BATCH = 3
    article(title="凭证生成失败：科目不存在")
    for query in ("科目", "凭证", "打印机卡纸了"):
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("search"), {"q": query})
    assert len(_inserts(captured)) == 1  # the third response wrote all three
    assert sorted(SearchQuery.objects.values_list("query", "results")) == [
        ("凭证", 1),
        ("打印机卡纸了", 0),
        ("科目", 1),
    ]
    assert search_log.pending() == 0


def test_an_old_buffer_is_written_after_the_next_response_even_when_not_full(client, settings):
    settings.SEARCH_LOG_BATCH = 50
    settings.SEARCH_LOG_MAX_AGE = 0
    client.get(reverse("search"), {"q": "科目"})
    assert SearchQuery.objects.get().query == "科目"


def test_a_deleted_user_leaves_an_anonymous_row_not_a_lost_batch():
    gone, kept = CustomerFactory(), CustomerFactory()
    search_log.log_search(query="凭证", results=1, user=gone)
    search_log.log_search(query="附件", results=2, user=kept)
    gone.delete()
    assert search_log.flush() == 2
    assert dict(SearchQuery.objects.values_list("query", "user")) == {"凭证": None, "附件": kept.pk}
