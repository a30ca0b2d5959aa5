"""Who may read, start topics and reply, per board and role; hidden boards answer 404."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from community import permissions
from community.models import Audience, Participation, TopicState
from community.services import posting
from helpdesk.tests.factories import CustomerFactory

from .factories import make_board, reply, topic

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "customer", "agent"]


def user_of(role, agent):
    if role == "anonymous":
        return AnonymousUser()
    if role == "agent":
        return agent
    return CustomerFactory()


@pytest.mark.parametrize(
    ("audience", "readers"),
    [
        (Audience.EVERYONE, {"anonymous", "customer", "agent"}),
        (Audience.SIGNED_IN, {"customer", "agent"}),
        (Audience.STAFF, {"agent"}),
    ],
)
def test_who_reads_a_board_and_its_topics(client, agent, audience, readers):
    board = make_board(read_audience=audience, topic_audience=Participation.SIGNED_IN)
    author = agent
    thread = topic(board=board, author=author)
    for role in ROLES:
        user = user_of(role, agent)
        assert permissions.can_read_board(user, board) is (role in readers), role
        client.logout()
        if role != "anonymous":
            client.force_login(user)
        for url in (board.get_absolute_url(), thread.get_absolute_url()):
            response = client.get(url)
            assert response.status_code == (200 if role in readers else 404), (role, url)
        listed = thread.title in client.get(reverse("community:latest")).content.decode()
        assert listed is (role in readers), role


@pytest.mark.parametrize(
    ("start", "reply_to", "role", "may_start", "may_reply"),
    [
        (Participation.SIGNED_IN, Participation.SIGNED_IN, "customer", True, True),
        (Participation.SIGNED_IN, Participation.SIGNED_IN, "anonymous", False, False),
        (Participation.STAFF, Participation.SIGNED_IN, "customer", False, True),
        (Participation.STAFF, Participation.SIGNED_IN, "agent", True, True),
        (Participation.STAFF, Participation.STAFF, "customer", False, False),
        (Participation.STAFF, Participation.STAFF, "agent", True, True),
    ],
)
def test_who_starts_topics_and_replies(agent, start, reply_to, role, may_start, may_reply):
    board = make_board(topic_audience=start, reply_audience=reply_to)
    thread = topic(board=board, author=agent, title="插件 3.2.1 发布说明")
    user = user_of(role, agent)
    assert permissions.can_start_topic(user, board) is may_start
    assert permissions.can_reply(user, thread) is may_reply


def test_an_announcement_board_refuses_a_customer_topic_in_the_service(agent):
    announcements = make_board(topic_audience=Participation.STAFF)
    with pytest.raises(ValidationError, match="You cannot start topics on this board"):
        posting.create_topic(
            board=announcements,
            author=CustomerFactory(),
            title="我想发公告可以吗",
            body="客户能不能在公告版发帖呢？",
        )


def test_a_staff_only_board_refuses_a_customer_reply_in_the_service(agent):
    lounge = make_board(read_audience=Audience.STAFF, topic_audience=Participation.STAFF,
                        reply_audience=Participation.STAFF)  # fmt: skip
    thread = topic(board=lounge, author=agent, title="ERR-4012 的答复口径")
    with pytest.raises(ValidationError, match="You cannot reply to this topic"):
        posting.create_reply(topic=thread, author=CustomerFactory(), body="客户看不到这里，也不能回复吧")


def test_a_locked_topic_takes_replies_from_staff_only(question, helper, agent):
    question.is_locked = True
    question.save()
    with pytest.raises(ValidationError, match="This topic is locked"):
        posting.create_reply(topic=question, author=helper, body="锁定以后还能回复吗？试一下")
    assert reply(topic=question, author=agent).number == 2


def test_a_pending_topic_is_seen_by_its_author_and_staff_only(client, newcomer, agent):
    board = make_board(requires_approval=True)
    thread = topic(board=board, author=newcomer, title="第一次安装需要什么权限")
    assert thread.state == TopicState.PENDING
    for user, status in [(newcomer, 200), (CustomerFactory(), 404), (agent, 200)]:
        client.force_login(user)
        assert client.get(thread.get_absolute_url()).status_code == status
    client.logout()
    assert client.get(thread.get_absolute_url()).status_code == 404


def test_writing_pages_ask_anonymous_visitors_to_sign_in(client, question):
    for name, kwargs in [("community:new_topic", {}), ("community:mine", {})]:
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302
        assert reverse("portal:login") in response["Location"]
    response = client.post(reverse("community:reply", args=[question.pk]), {"body": "匿名用户回复试试看"})
    assert response.status_code == 302
    assert question.posts.count() == 1
