"""Topics in the shared search: the forum's search page, "similar topics" while typing a title,
and the submission wizard's suggestions, where solved topics stand beside articles and FAQs."""

import pytest
from django.urls import reverse

from community.models import Audience
from community.services import moderation, solutions
from search.models import SearchDocument
from search.selectors import search, suggest

from .factories import make_board, reply, topic

pytestmark = pytest.mark.django_db


def doc(made):
    return SearchDocument.objects.get(doc_type="topic", object_id=str(made.pk))


def test_a_topic_is_indexed_with_its_boards_audience(board, asker, agent):
    public = topic(board=board, author=asker)
    members = topic(
        board=make_board(read_audience=Audience.SIGNED_IN), author=asker, title="对账差异：手续费怎么记"
    )
    staff = topic(board=make_board(read_audience=Audience.STAFF, topic_audience="staff"), author=agent,
                  title="内部：ERR-4012 答复口径")  # fmt: skip
    assert [doc(t).visibility for t in (public, members, staff)] == ["public", "customers", "agents"]
    assert doc(public).kind == "topic"


def test_the_solution_is_part_of_what_is_found_and_the_label_says_solved(question, helper):
    answer = reply(topic=question, author=helper, body="在插件收款单列表点击“生成红冲凭证”按钮即可完成冲销。")
    solutions.mark_solution(topic=question, post=answer, actor=question.author)
    document = doc(question)
    assert "生成红冲凭证" in document.text
    assert document.kind_label == "Solved community topic"


def test_the_forum_search_page_finds_topics_only(client, question):
    response = client.get(reverse("community:search"), {"q": "红冲"})
    assert [hit.url for hit in response.context["results"].hits] == [question.get_absolute_url()]


def test_similar_topics_while_typing_a_title(client, question):
    response = client.get(reverse("community:similar"), {"q": "已过账凭证红冲"})
    results = response.json()["results"]
    assert results[0]["url"] == question.get_absolute_url()
    assert client.get(reverse("community:similar"), {"q": ""}).json() == {"results": []}


def test_the_wizards_suggestions_include_solved_topics(question, helper, asker):
    answer = reply(topic=question, author=helper)
    solutions.mark_solution(topic=question, post=answer, actor=question.author)
    found = suggest(query="U8 已过账凭证怎么红冲", user=asker)
    assert question.get_absolute_url() in [hit.url for hit in found]


def test_an_anonymous_search_never_finds_a_members_only_topic(asker):
    from django.contrib.auth.models import AnonymousUser

    hidden = topic(
        board=make_board(read_audience=Audience.SIGNED_IN), author=asker, title="只给客户看的红冲问题"
    )
    assert hidden.get_absolute_url() not in [h.url for h in search(query="红冲", user=AnonymousUser())]
    assert hidden.get_absolute_url() in [h.url for h in search(query="红冲", user=asker)]


def test_solved_topics_rank_above_unsolved_ones(board, asker, helper):
    """The forum hands the index its solved signal (search/scoring.py weighs it)."""
    unsolved = topic(board=board, author=asker, title="K3 过账提示期间已结账怎么办")
    solved = topic(board=board, author=asker, title="K3 过账提示期间已结账怎么处理")
    solutions.mark_solution(topic=solved, post=reply(topic=solved, author=helper), actor=asker)
    urls = [hit.url for hit in search(query="K3 过账 期间已结账", user=asker)]
    assert urls.index(solved.get_absolute_url()) < urls.index(unsolved.get_absolute_url())


def test_hidden_and_merged_topics_leave_the_index(board, question, asker, agent):
    twin = topic(board=board, author=asker, title="U8 红冲凭证怎么做（重复）")
    moderation.merge_topics(source=twin, target=question, actor=agent)
    assert not SearchDocument.objects.filter(doc_type="topic", object_id=str(twin.pk)).exists()
