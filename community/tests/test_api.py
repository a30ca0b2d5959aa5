"""The forum over the API: reading as on the site, posting through the forum's services
with its permissions and rate limits, posts in keyset pages."""

import pytest
from rest_framework.test import APIClient

from community.models import Audience, Participation, Post, Topic
from helpdesk.models import ApiScope
from helpdesk.services.api_keys import create_api_key
from helpdesk.tests.api_world import CALLERS, make_world

from .factories import make_board, reply, topic, trusted

pytestmark = pytest.mark.django_db

QUESTION = {"title": "U8 红冲凭证在哪里操作？", "body": "已过账的收款凭证金额录错了，插件里怎么红冲？"}


@pytest.fixture
def world():
    world = make_world()
    for who in ("customer_a", "customer_b", "org_admin"):
        trusted(getattr(world, who))
    return world


@pytest.fixture
def boards(world):
    public = make_board(slug="yonyou")
    staff = make_board(slug="internal", read_audience=Audience.STAFF)
    news = make_board(slug="news", topic_audience=Participation.STAFF)
    return {"public": public, "staff": staff, "news": news}


@pytest.mark.parametrize("who", CALLERS)
def test_boards_and_topics_are_what_the_caller_may_read(world, boards, who):
    topic(board=boards["public"], author=world.customer_a)
    hidden = topic(board=boards["staff"], author=world.agent, title="内部：值班安排")
    client = world.client(who)
    staff = who in {"agent", "manager"}
    slugs = {row["slug"] for row in client.get("/api/v1/forum/boards/").json()["results"]}
    assert ("internal" in slugs) == staff
    titles = {row["title"] for row in client.get("/api/v1/forum/topics/").json()["results"]}
    assert ("内部：值班安排" in titles) == staff
    assert client.get(f"/api/v1/forum/topics/{hidden.pk}/").status_code == (200 if staff else 404)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 401), ("customer_a", 201), ("customer_b", 201), ("org_admin", 201), ("agent", 201)],
)
def test_starting_a_topic_needs_a_signed_in_member(world, boards, who, expected):
    response = world.client(who).post("/api/v1/forum/topics/", {**QUESTION, "board": "yonyou"}, format="json")
    assert response.status_code == expected
    assert Topic.objects.filter(title=QUESTION["title"]).exists() == (expected == 201)
    if expected == 201:
        assert response.json()["board"] == "yonyou" and "@" not in str(response.json()["author"])


def test_a_board_for_staff_announcements_refuses_a_customers_topic(world, boards):
    response = world.client("customer_a").post(
        "/api/v1/forum/topics/", {**QUESTION, "board": "news"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "detail": "You cannot start topics on this board.",
    }
    assert (
        world.client("agent")
        .post("/api/v1/forum/topics/", {**QUESTION, "board": "news"}, format="json")
        .status_code
        == 201
    )


def test_a_board_the_caller_cannot_read_is_a_404_when_posting(world, boards):
    response = world.client("customer_a").post(
        "/api/v1/forum/topics/", {**QUESTION, "board": "internal"}, format="json"
    )
    assert response.status_code == 404


def test_a_reply_goes_through_the_forum_and_a_new_member_meets_its_rate_limit(world, boards):
    question = topic(board=boards["public"], author=world.customer_a)
    newcomer = world.colleague  # not trusted: the new-member limits apply
    client = world.client("colleague")
    first = client.post(
        f"/api/v1/forum/topics/{question.pk}/posts/",
        {"body": "在收款单列表里点生成红冲凭证。"},
        format="json",
    )
    assert first.status_code == 201, first.json()
    assert first.json()["number"] == 2
    too_soon = client.post(
        f"/api/v1/forum/topics/{question.pk}/posts/", {"body": "再补充一点：要先审核。"}, format="json"
    )
    assert too_soon.status_code == 429
    assert too_soon.json()["code"] == "throttled"
    assert Post.objects.filter(topic=question, author=newcomer).count() == 1


def test_a_locked_topic_takes_no_reply_from_a_customer(world, boards):
    question = topic(board=boards["public"], author=world.customer_a)
    Topic.objects.filter(pk=question.pk).update(is_locked=True)
    response = world.client("customer_b").post(
        f"/api/v1/forum/topics/{question.pk}/posts/", {"body": "我也遇到了"}, format="json"
    )
    assert response.status_code == 403


def test_posts_come_in_keyset_pages_that_inserts_do_not_shift(world, boards):
    question = topic(board=boards["public"], author=world.customer_a)
    for n in range(4):
        reply(topic=question, author=world.customer_b, body=f"第 {n + 1} 条回复，补充一些细节。")
    client = APIClient()
    first = client.get(f"/api/v1/forum/topics/{question.pk}/posts/?page_size=2").json()
    assert [p["number"] for p in first["results"]] == [1, 2]
    reply(topic=question, author=world.customer_b, body="新的一条回复，在翻页时插入。")
    second = client.get(first["next"]).json()
    assert [p["number"] for p in second["results"]] == [3, 4]
    third = client.get(second["next"]).json()
    assert [p["number"] for p in third["results"]] == [5, 6]
    assert third["next"] is None


def test_posting_with_a_key_needs_the_forum_scope(world, boards):
    _key, reader = create_api_key(owner=world.customer_a, name="read", scopes=[ApiScope.TICKETS_READ])
    _key, writer = create_api_key(owner=world.customer_a, name="write", scopes=[ApiScope.FORUM_WRITE])
    body = {**QUESTION, "board": "yonyou"}
    assert (
        APIClient(headers={"Authorization": f"Bearer {reader}"}).get("/api/v1/forum/topics/").status_code
        == 200
    )
    assert (
        APIClient(headers={"Authorization": f"Bearer {reader}"})
        .post("/api/v1/forum/topics/", body, format="json")
        .status_code
        == 403
    )
    assert (
        APIClient(headers={"Authorization": f"Bearer {writer}"})
        .post("/api/v1/forum/topics/", body, format="json")
        .status_code
        == 201
    )


def test_unknown_topic_filters_are_refused(world, boards):
    response = APIClient().get("/api/v1/forum/topics/?author=1")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"author"}
    assert APIClient().get("/api/v1/forum/topics/?solved=true&board=yonyou").status_code == 200


@pytest.fixture
def no_throttles(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}


# Readable boards; the page of topics with board and author; their tags.
TOPIC_LIST_QUERIES = 3


@pytest.mark.parametrize("topics", [1, 6])
def test_the_topic_list_costs_the_same_few_queries_however_long(
    world, boards, topics, django_assert_num_queries, no_throttles
):
    for n in range(topics):
        topic(
            board=boards["public"],
            author=world.customer_a,
            title=f"U8 第 {n} 个问题：凭证怎么红冲？",
            tags=[],
        )
    client = APIClient()
    client.get("/api/v1/forum/topics/")
    with django_assert_num_queries(TOPIC_LIST_QUERIES):
        response = client.get("/api/v1/forum/topics/")
    assert len(response.json()["results"]) == topics
