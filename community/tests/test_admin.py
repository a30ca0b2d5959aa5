"""The forum in the agents' admin: pages an agent (not a superuser) works with."""

import pytest
from django.urls import reverse

from community.models import FlagReason, ModerationLog
from community.services import digests, flags, moderation
from core.clock import now

from .factories import reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def test_an_agent_reaches_every_forum_admin_page(agent_client, question, helper):
    answer = reply(topic=question, author=helper)
    flags.flag_post(post=answer, user=question.author, reason=FlagReason.OFF_TOPIC)
    for name in ["topic", "post", "flag", "moderationlog", "forumprofile", "board", "tag"]:
        assert agent_client.get(reverse(f"admin:community_{name}_changelist")).status_code == 200, name
    page = agent_client.get(reverse("admin:community_topic_change", args=[question.pk])).content.decode()
    assert reverse("admin:community_topic_publish", args=[question.pk]) in page


def test_the_flag_queue_opens_on_open_flags(agent_client, question, helper, agent):
    answer = reply(topic=question, author=helper, body="低价代开发票，加微信 fapiao888")
    flags.flag_post(post=answer, user=question.author, reason=FlagReason.SPAM)
    other = reply(topic=question, author=question.author, body="这条回复被误举报了，其实没问题")
    flags.flag_post(post=other, user=helper, reason=FlagReason.OTHER, note="看错了")
    flags.dismiss_flags(post=other, actor=agent)
    queue = agent_client.get(reverse("admin:community_flag_changelist")).content.decode()
    assert "fapiao888" in queue and "误举报" not in queue
    everything = agent_client.get(
        reverse("admin:community_flag_changelist"), {"state": "all"}
    ).content.decode()
    assert "误举报" in everything


def test_the_moderation_log_is_read_only(agent_client, question, agent):
    moderation.lock_topic(topic=question, actor=agent)
    entry = ModerationLog.objects.get()
    assert (
        agent_client.get(reverse("admin:community_moderationlog_change", args=[entry.pk])).status_code == 200
    )
    agent_client.post(reverse("admin:community_moderationlog_delete", args=[entry.pk]), {"post": "yes"})
    assert ModerationLog.objects.filter(pk=entry.pk).exists()


def test_the_digest_command_queues_due_digests(question, helper):
    from io import StringIO

    from django.core.management import call_command

    reply(topic=question, author=helper)
    out = StringIO()
    call_command("send_forum_digests", stdout=out)
    assert "Forum digests queued: 0" in out.getvalue()  # not due yet
    assert digests.send_due_digests(now=now() + digests.DIGEST_DELAY) == 1
