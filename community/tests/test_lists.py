"""Listing pages and the topic page: what each shows, keyset pages, and query counts that grow
neither with the data nor with the page number."""

import pytest
from django.urls import reverse

from community.demo.bulk import generate_posts
from community.models import Topic
from community.selectors.topics import REPLIES_PER_PAGE, Cursor
from community.services import moderation, solutions
from core.clock import now
from core.registry import home_panels

from .factories import make_board, reply, topic

pytestmark = pytest.mark.django_db

# Session, user, customer profile (header), boards, pinned, the page, tags, the tag cloud.
LIST_FIRST_PAGE = 9
# Later pages leave the pinned topics out.
LIST_LATER_PAGE = 8
# Session, user, profile, topic, question with featured answers, their files, replies, their
# files, my votes, my flags, following?, the escalation check (profile), the reply form.
TOPIC_PAGE = 13
TOPIC_PAGE_ANONYMOUS = 6


def pages(client, url, count):
    """The first `count` pages of a list, following the "older" links."""
    found, cursor = [], None
    for _ in range(count):
        response = client.get(url, {"before": cursor} if cursor else {})
        found.append(response)
        cursor = response.context["page"].next_cursor
        if cursor is None:
            break
    return found


@pytest.mark.parametrize("posts", [1500, 4000])
def test_every_page_of_the_latest_list_costs_the_same_queries(
    client, board, asker, agent, posts, django_assert_num_queries
):
    generate_posts(count=posts, now=now(), index=False)
    moderation.pin_topic(topic=Topic.objects.last(), actor=agent)
    client.force_login(asker)
    url = reverse("community:latest")
    client.get(url)  # warm per-process caches
    with django_assert_num_queries(LIST_FIRST_PAGE):
        first = client.get(url)
    cursor, later = first.context["page"].next_cursor, 0
    while cursor and later < 5:
        with django_assert_num_queries(LIST_LATER_PAGE):
            response = client.get(url, {"before": cursor})
        assert response.context["page"].rows
        cursor, later = response.context["page"].next_cursor, later + 1
    assert later >= 2


@pytest.mark.parametrize("view", ["unanswered", "solved", "mine"])
@pytest.mark.parametrize("posts", [200, 2000])
def test_the_other_lists_cost_the_same_queries(
    client, board, asker, helper, view, posts, django_assert_num_queries
):
    generate_posts(count=posts, now=now(), index=False)
    topic(board=board, author=asker, title="没有人回答的问题：汇率差异")  # one row in each list
    solved = topic(board=board, author=asker, title="已经解决的问题：K3 过账报错")
    solutions.mark_solution(topic=solved, post=reply(topic=solved, author=helper), actor=asker)
    client.force_login(asker)
    url = reverse(f"community:{view}")
    client.get(url)
    with django_assert_num_queries(LIST_LATER_PAGE):
        assert client.get(url).context["page"].rows


def test_keyset_pages_cover_every_topic_once_in_order(client, board, asker):
    generate_posts(count=1500, now=now(), index=False)
    seen = [
        t.pk
        for response in pages(client, reverse("community:latest"), 100)
        for t in response.context["page"].rows
    ]
    expected = list(
        Topic.objects.filter(state="visible")
        .order_by("-last_activity_at", "-id")
        .values_list("pk", flat=True)
    )
    assert seen == expected


def test_a_cursor_from_the_url_that_makes_no_sense_is_the_first_page(client, question):
    for value in ["x", "1.2.3", "99999999999999999999.1", "-5.x"]:
        assert Cursor.decode(value) is None
        assert client.get(reverse("community:latest"), {"before": value}).status_code == 200


@pytest.mark.parametrize("replies", [5, 60])
def test_the_topic_page_costs_the_same_queries_at_any_length_and_depth(
    client, board, asker, helper, agent, replies, django_assert_num_queries
):
    thread = topic(board=board, author=asker)
    made = [
        reply(topic=thread, author=helper if i % 2 else agent, body=f"第 {i} 条回复：试试重新生成凭证")
        for i in range(replies)
    ]
    solutions.mark_solution(topic=thread, post=made[1], actor=asker)
    moderation.pin_official_answer(post=made[0], actor=agent)
    client.force_login(asker)
    client.get(thread.get_absolute_url())
    with django_assert_num_queries(TOPIC_PAGE):
        response = client.get(thread.get_absolute_url())
    assert len(response.context["view"].replies) == min(replies, REPLIES_PER_PAGE)
    with django_assert_num_queries(TOPIC_PAGE):
        client.get(thread.get_absolute_url(), {"after": max(1, replies - 5)})
    client.logout()
    with django_assert_num_queries(TOPIC_PAGE_ANONYMOUS):
        client.get(thread.get_absolute_url())


def test_replies_come_in_pages_in_order(client, question, helper):
    for i in range(REPLIES_PER_PAGE + 5):
        reply(topic=question, author=helper, body=f"按顺序的第 {i + 2} 号回复内容")
    first = client.get(question.get_absolute_url()).context["view"]
    assert [p.number for p in first.replies] == list(range(2, REPLIES_PER_PAGE + 2))
    later = client.get(question.get_absolute_url(), {"after": first.next_after}).context["view"]
    assert [p.number for p in later.replies] == list(range(REPLIES_PER_PAGE + 2, REPLIES_PER_PAGE + 7))
    # A link to one post opens the page it is on.
    assert client.get(question.get_absolute_url(), {"at": 24}).context["view"].replies[0].number == 24


def test_each_row_says_replies_votes_solved_and_last_activity(client, question, helper):
    answer = reply(topic=question, author=helper)
    solutions.mark_solution(topic=question, post=answer, actor=question.author)
    page = client.get(reverse("community:latest")).content.decode()
    row = page[page.index('<li class="topic-row') : page.index("</li>", page.index('<li class="topic-row'))]
    assert "<strong>1</strong> reply" in row and "<strong>0</strong> votes" in row
    assert "Solved" in row and "last activity" in row and "刘财务" in row


def test_the_lists_filter_what_they_say(client, board, asker, helper):
    open_one = topic(board=board, author=asker, title="没人回答：外币汇率差异")
    answered = topic(board=board, author=helper, title="有人回答：K3 过账提示结账")
    answer = reply(topic=answered, author=asker)
    solutions.mark_solution(topic=answered, post=answer, actor=helper)
    other_board = make_board(name="金蝶 Kingdee")
    elsewhere = topic(board=other_board, author=asker, title="金蝶云星空科目不存在")

    def titles(name, **kwargs):
        response = client.get(reverse(f"community:{name}", kwargs=kwargs))
        return {t.title for t in response.context["page"].rows}

    assert titles("unanswered") == {open_one.title, elsewhere.title}
    assert titles("solved") == {answered.title}
    assert titles("board", slug=other_board.slug) == {elsewhere.title}
    client.force_login(asker)
    assert titles("mine") == {open_one.title, elsewhere.title}


def test_a_tag_page_lists_its_topics(client, board, asker):
    from community.models import Tag

    red = Tag.objects.create(name="红冲")
    tagged = topic(board=board, author=asker, title="U8 红冲凭证号重复", tags=[red])
    topic(board=board, author=asker, title="K3 过账提示期间已结账")
    response = client.get(red.get_absolute_url())
    assert [t.pk for t in response.context["page"].rows] == [tagged.pk]


def test_the_home_page_shows_recent_community_topics(client, question):
    assert "community" in home_panels
    page = client.get("/").content.decode()
    assert "Recent community topics" in page
    assert question.title in page
