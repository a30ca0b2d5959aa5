"""Votes (one per member, not on one's own, withdrawable) and the accepted solution."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community.models import Post, Topic
from community.services import solutions, votes
from helpdesk.tests.factories import CustomerFactory

from .factories import reply

pytestmark = pytest.mark.django_db


def test_one_vote_per_member_and_it_can_be_withdrawn(question, helper):
    answer = reply(topic=question, author=helper)
    assert votes.vote(post=answer, user=question.author) is True
    assert votes.vote(post=answer, user=question.author) is False  # a second click changes nothing
    assert Post.objects.get(pk=answer.pk).vote_count == 1
    votes.vote(post=answer, user=CustomerFactory())
    assert Post.objects.get(pk=answer.pk).vote_count == 2
    assert votes.withdraw_vote(post=answer, user=question.author) is True
    assert votes.withdraw_vote(post=answer, user=question.author) is False
    assert Post.objects.get(pk=answer.pk).vote_count == 1


def test_nobody_votes_for_their_own_post(question):
    with pytest.raises(ValidationError, match="You cannot vote for your own post"):
        votes.vote(post=question.posts.get(number=1), user=question.author)


def test_votes_on_the_question_are_the_topics(question, helper):
    votes.vote(post=question.posts.get(number=1), user=helper)
    assert Topic.objects.get(pk=question.pk).vote_count == 1


def test_voting_through_the_page(client, question, helper):
    answer = reply(topic=question, author=helper)
    client.force_login(question.author)
    client.post(reverse("community:vote", args=[answer.pk]))
    page = client.get(question.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page
    client.post(reverse("community:vote", args=[answer.pk]), {"action": "withdraw"})
    assert Post.objects.get(pk=answer.pk).vote_count == 0


def test_the_author_marks_a_solution_and_can_change_it(question, helper, agent):
    first = reply(topic=question, author=helper)
    second = reply(topic=question, author=agent)
    solutions.mark_solution(topic=question, post=first, actor=question.author)
    question.refresh_from_db()
    assert (question.is_solved, question.solution) == (True, first)
    solutions.mark_solution(topic=question, post=second, actor=question.author)
    question.refresh_from_db()
    assert question.solution == second
    solutions.unmark_solution(topic=question, actor=question.author)
    question.refresh_from_db()
    assert (question.is_solved, question.solution, question.solved_at) == (False, None, None)


def test_staff_may_mark_a_solution_others_may_not(question, helper, agent):
    answer = reply(topic=question, author=helper)
    with pytest.raises(ValidationError, match="Only the topic's author or staff can choose its solution"):
        solutions.mark_solution(topic=question, post=answer, actor=helper)
    solutions.mark_solution(topic=question, post=answer, actor=agent)
    assert Topic.objects.get(pk=question.pk).solution == answer


def test_the_question_itself_is_never_the_solution(question):
    with pytest.raises(ValidationError, match="Choose a reply in this topic as the solution"):
        solutions.mark_solution(topic=question, post=question.posts.get(number=1), actor=question.author)


def test_the_solution_stands_right_under_the_question(client, question, helper, agent):
    replies = [
        reply(topic=question, author=helper, body=f"第 {i} 个回答：试试重新生成凭证") for i in range(3)
    ]
    solutions.mark_solution(topic=question, post=replies[2], actor=question.author)
    page = client.get(question.get_absolute_url()).content.decode()
    question_at, solution_at = page.index('id="post-1"'), page.index('id="solution"')
    first_reply_at = page.index('id="post-2"')
    assert question_at < solution_at < first_reply_at
    assert "第 2 个回答" in page[solution_at:first_reply_at]
