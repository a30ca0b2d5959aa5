"""Building forum data for tests, through the services where the rules matter."""

from datetime import timedelta
from itertools import count

from community.models import Audience, Board, Participation, Post, Topic
from community.services import limits, posting, profiles
from core.clock import resolve_now

_boards = count(1)

QUESTION = "我们用的是用友 U8 V13，已经过账的收款凭证金额录错了，怎么在插件里红冲？"
ANSWER = "在插件收款单列表里点“生成红冲凭证”，然后在总账里审核过账即可。"


def make_board(**fields) -> Board:
    n = next(_boards)
    defaults = {
        "name": f"版块 {n}",
        "slug": f"board-{n}",
        "read_audience": Audience.EVERYONE,
        "topic_audience": Participation.SIGNED_IN,
        "reply_audience": Participation.SIGNED_IN,
    }
    return Board.objects.create(**{**defaults, **fields})


def trusted(user):
    """A member past the new-member limits (most tests are not about them)."""
    profile = profiles.ensure_profile(user)
    profile.trust = "member"
    profile.save(update_fields=["trust"])
    return user


def topic(*, board, author, title="U8 已过账的凭证怎么红冲？", body=QUESTION, now=None, **kwargs) -> Topic:
    made = posting.create_topic(board=board, author=author, title=title, body=body, now=now, **kwargs)
    limits.reset(user_id=author.pk)
    return made


def reply(*, topic, author, body=ANSWER, now=None, **kwargs) -> Post:
    made = posting.create_reply(topic=topic, author=author, body=body, now=now, **kwargs)
    limits.reset(user_id=author.pk)
    return made


def later(now, minutes: int):
    return resolve_now(now) + timedelta(minutes=minutes)
