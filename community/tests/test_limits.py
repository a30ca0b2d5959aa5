"""New members are limited, members barely, staff never; the counters are shared by every
process (the database cache), and a refusal keeps what was typed."""

import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from community.models import Trust
from community.services import limits, posting, profiles
from helpdesk.tests.factories import CustomerFactory

from .factories import reply, topic

pytestmark = pytest.mark.django_db
START = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)


def test_a_new_member_starts_three_topics_on_their_first_day(board, newcomer, time_machine):
    for i in range(limits.NEW_MEMBER.topics_per_day):
        at = START + timedelta(minutes=i)
        time_machine.move_to(at, tick=False)
        posting.create_topic(
            board=board,
            author=newcomer,
            title=f"第 {i + 1} 个问题：怎么红冲",
            body="已经过账的凭证怎么红冲？",
            now=at,
        )
    time_machine.move_to(START + timedelta(hours=1), tick=False)
    with pytest.raises(ValidationError, match="New members can start 3 topics in their first day"):
        posting.create_topic(
            board=board, author=newcomer, title="第四个问题：怎么过账", body="第四个问题今天还能发吗？"
        )
    # A day later the window has passed.
    time_machine.move_to(START + timedelta(days=1, minutes=1), tick=False)
    assert topic(board=board, author=newcomer, title="第二天的新问题：汇率差异").pk


def test_a_new_member_writes_ten_replies_on_their_first_day(question, newcomer, time_machine):
    for i in range(limits.NEW_MEMBER.replies_per_day):
        at = START + timedelta(minutes=i)
        time_machine.move_to(at, tick=False)
        posting.create_reply(topic=question, author=newcomer, body=f"第 {i + 1} 条回复：我们也遇到了", now=at)
    time_machine.move_to(START + timedelta(hours=2), tick=False)
    with pytest.raises(ValidationError, match="New members can write 10 replies in their first day"):
        posting.create_reply(topic=question, author=newcomer, body="第十一条回复还能发吗？")


def test_new_members_wait_between_posts_members_less_staff_not_at_all(
    question, newcomer, helper, agent, time_machine
):
    time_machine.move_to(START, tick=False)
    posting.create_reply(topic=question, author=newcomer, body="第一条回复：我们也遇到了", now=START)
    time_machine.move_to(START + timedelta(seconds=10), tick=False)
    with pytest.raises(ValidationError, match="please wait 20 seconds and send again"):
        posting.create_reply(topic=question, author=newcomer, body="第二条回复：紧接着又发一条")
    time_machine.move_to(START + timedelta(seconds=31), tick=False)
    posting.create_reply(topic=question, author=newcomer, body="第二条回复：等了半分钟再发")

    posting.create_reply(topic=question, author=helper, body="老成员回复：五秒内不能连发")
    with pytest.raises(ValidationError, match="please wait 5 seconds"):
        posting.create_reply(topic=question, author=helper, body="老成员回复：马上又发一条")

    for i in range(30):
        posting.create_reply(topic=question, author=agent, body=f"客服回复第 {i + 1} 条，连续发也不受限")


def test_a_new_member_may_put_two_links_in_a_post(question, newcomer, helper):
    three = "参考 https://a.example/1 和 https://a.example/2 以及 www.a.example/3 这三篇"
    with pytest.raises(
        ValidationError, match="New members can put at most 2 links in a post; this one has 3"
    ):
        posting.create_reply(topic=question, author=newcomer, body=three)
    reply(topic=question, author=newcomer, body="参考 https://a.example/1 和 https://a.example/2 两篇")
    reply(topic=question, author=helper, body=three)


def test_a_refused_post_costs_nothing_and_keeps_the_members_allowance(question, newcomer, time_machine):
    time_machine.move_to(START, tick=False)
    with pytest.raises(ValidationError, match="The post is too short"):
        posting.create_reply(topic=question, author=newcomer, body="短")
    # The refusal took no pause slot: a proper reply goes through at once.
    posting.create_reply(topic=question, author=newcomer, body="这次写够八个字了吧，谢谢")


def test_members_earn_normal_limits_by_taking_part(question, newcomer, time_machine):
    newcomer.date_joined = START
    newcomer.save()
    for i in range(profiles.PROMOTE_AFTER_POSTS):
        at = START + timedelta(hours=20 + i)
        time_machine.move_to(at, tick=False)
        posting.create_reply(topic=question, author=newcomer, body=f"第 {i + 1} 条有用的回复内容", now=at)
    profile = profiles.ensure_profile(newcomer)
    assert profile.trust == Trust.MEMBER
    assert limits.limits_for(newcomer, profile) == limits.MEMBER


def test_the_view_shows_the_refusal_and_keeps_the_text(client, question, newcomer, time_machine):
    time_machine.move_to(START, tick=False)
    client.force_login(newcomer)
    url = reverse("community:reply", args=[question.pk])
    client.post(url, {"body": "第一条回复：我们也遇到了"})
    text = "第二条回复：这段文字不能丢"
    response = client.post(url, {"body": text})
    assert response.status_code == 200
    page = response.content.decode()
    assert "You are posting quickly: please wait 30 seconds" in page
    assert text in page  # still in the textarea


def test_the_refusal_is_translated():
    profile = profiles.ForumProfile(trust=Trust.NEW)
    user = CustomerFactory()
    limits.reserve(user=user, profile=profile, action=limits.Action.REPLY, now=START)
    with (
        translation.override("zh-hans"),
        pytest.raises(ValidationError, match="发帖太快了：请等待 30 秒后再发送"),
    ):
        limits.reserve(user=user, profile=profile, action=limits.Action.REPLY, now=START)


CHILD = textwrap.dedent(
    """
    import os, sys, types
    sys.path.insert(0, os.getcwd())
    import django
    django.setup()
    from django.core.cache import cache
    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from core import clock
    from community.services import limits

    call_command("createcachetable", verbosity=0)
    user = types.SimpleNamespace(pk=4242, is_staff=False)
    profile = types.SimpleNamespace(trust="new")
    for _ in range(int(sys.argv[1])):
        try:
            limits.reserve(user=user, profile=profile, action=limits.Action.TOPIC, now=clock.now())
        except ValidationError as error:
            print("refused:", error.messages[0])
            break
        limits.record(user=user, profile=profile, action=limits.Action.TOPIC, now=clock.now())
        # Another post later on: the pause has passed, the day's count has not.
        cache.delete(f"community:limit:{user.pk}:interval")
        print("posted")
    """
)


@pytest.mark.django_db(transaction=False)
def test_the_limits_hold_across_processes(tmp_path: Path):
    """Two separate interpreters share one database cache: the second sees the first's posts."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
    }
    script = tmp_path / "child.py"
    script.write_text(CHILD)

    def run(posts: int) -> list[str]:
        done = subprocess.run(
            [sys.executable, str(script), str(posts)],
            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return done.stdout.split("\n")[:-1]

    assert run(2) == ["posted", "posted"]
    assert run(2) == ["posted", "refused: New members can start 3 topics in their first day. You can start "
                                "another in about 24 hour(s); your text is kept below."]  # fmt: skip
