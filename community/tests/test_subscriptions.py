"""Following topics and boards; replies and mentions become one digest line per topic in one
mail through the outbox, with unsubscribe links that work without signing in."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from community.models import DigestItem, ForumProfile, NoticeReason, Subscription
from community.services import digests, profiles, subscriptions
from helpdesk.models import OutboundEmail
from helpdesk.tests.factories import AgentFactory, CustomerFactory

from .factories import make_board, reply, topic, trusted

pytestmark = pytest.mark.django_db


def forum_mail(user) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind="forum_digest", to=[user.email]))


def flush(after: timedelta = digests.DIGEST_DELAY):
    from core.clock import now

    return digests.send_due_digests(now=now() + after)


def test_the_author_follows_their_topic(question):
    assert Subscription.objects.filter(user=question.author, topic=question).exists()


def test_a_burst_of_replies_is_one_line_in_one_mail(question, helper, agent):
    for who in (helper, agent, helper):
        reply(topic=question, author=who)
    assert forum_mail(question.author) == []  # nothing is sent per reply
    assert flush(after=timedelta(minutes=1)) == 0  # nor before the digest is due
    assert flush() == 1
    [mail] = forum_mail(question.author)
    assert question.title in mail.body
    assert "3 new replies, the latest by 刘财务" in mail.body
    assert mail.body.count(question.title) == 1
    assert flush() == 0  # the lines went out once


def test_one_mail_lists_each_followed_topic_once(board, question, helper, agent):
    other = topic(board=board, author=trusted(CustomerFactory()), title="K3 过账提示期间已结账")
    subscriptions.follow_topic(user=question.author, topic=other)
    reply(topic=question, author=helper)
    reply(topic=other, author=agent)
    reply(topic=other, author=helper)
    flush()
    [mail] = forum_mail(question.author)
    assert "2 topics" in mail.subject
    assert "1 new reply, the latest by 刘财务" in mail.body
    assert "2 new replies, the latest by 刘财务" in mail.body


def test_a_mention_reaches_someone_who_does_not_follow(question, helper, agent):
    handle = profiles.ensure_profile(agent).handle
    reply(topic=question, author=helper, body=f"@{handle} 陈工，这个能帮忙看一下吗？")
    assert DigestItem.objects.get(user=agent).reason == NoticeReason.MENTION
    flush()
    [mail] = forum_mail(agent)
    assert f"刘财务 mentioned you in “{question.title}”" in mail.body


def test_board_followers_hear_of_new_topics(board, asker, helper):
    subscriptions.follow_board(user=helper, board=board)
    made = topic(board=board, author=asker, title="NC 凭证同步一直转圈")
    flush()
    [mail] = forum_mail(helper)
    assert f"New topic in {board.name}: “{made.title}”" in mail.body


def test_nobody_is_mailed_about_their_own_post_or_a_board_they_cannot_read(question, helper, agent):
    reply(topic=question, author=question.author, body="我自己补充一句：版本是 U8 V13")
    assert not DigestItem.objects.filter(user=question.author).exists()
    lounge = make_board(read_audience="staff", topic_audience="staff", reply_audience="staff")
    inside = topic(board=lounge, author=agent, title="内部：ERR-4012 答复口径")
    subscriptions.follow_topic(user=helper, topic=inside)  # followed before the board was closed
    reply(topic=inside, author=AgentFactory())
    assert not DigestItem.objects.filter(user=helper).exists()


def test_the_digest_is_in_the_members_language(question, helper):
    question.author.customer_profile.language = "zh-hans"
    question.author.customer_profile.save()
    reply(topic=question, author=helper)
    flush()
    [mail] = forum_mail(question.author)
    assert "社区" in mail.subject


def links(body: str) -> list[str]:
    return re.findall(r"http://\S+/community/unsubscribe/\S+/", body)


def test_the_unsubscribe_link_works_without_signing_in(client, question, helper):
    reply(topic=question, author=helper)
    flush()
    [mail] = forum_mail(question.author)
    topic_link, all_link = links(mail.body)
    path = urlsplit(topic_link).path
    assert client.get(path).status_code == 200  # a confirmation page, no change yet
    assert Subscription.objects.filter(user=question.author, topic=question).exists()
    response = client.post(path)
    assert response.status_code == 200
    assert "You no longer follow" in response.content.decode()
    assert not Subscription.objects.filter(user=question.author, topic=question).exists()
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.headers["List-Unsubscribe"] == f"<{all_link}>"


def test_one_click_unsubscribe_from_all_forum_mail(client, question, helper):
    token = subscriptions.unsubscribe_token(user=question.author)
    # Mail clients POST without a CSRF token (RFC 8058).
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(
        reverse("community:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert ForumProfile.objects.get(user=question.author).email_digests is False
    reply(topic=question, author=helper)
    assert not DigestItem.objects.filter(user=question.author).exists()


def test_a_forged_or_altered_token_changes_nothing(client, question):
    token = subscriptions.unsubscribe_token(user=question.author, topic=question)
    for bad in ["nonsense", token[:-2] + "xx", subscriptions.unsubscribe_token(user=question.author)[:-1]]:
        response = client.post(reverse("community:unsubscribe", args=[bad]))
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert Subscription.objects.filter(user=question.author, topic=question).exists()


def test_following_and_unfollowing_from_the_page(client, question, helper):
    client.force_login(helper)
    url = reverse("community:topic_follow", args=[question.pk])
    client.post(url)
    assert Subscription.objects.filter(user=helper, topic=question).exists()
    client.post(url, {"action": "unfollow"})
    assert not Subscription.objects.filter(user=helper, topic=question).exists()
    client.post(reverse("community:board_follow", args=[question.board.slug]))
    assert Subscription.objects.filter(user=helper, board=question.board).exists()
