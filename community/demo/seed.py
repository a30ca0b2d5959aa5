"""Play the demo threads through the forum's services (`manage.py seed_forum`)."""

from datetime import datetime, timedelta

from django.db import transaction

from helpdesk.demo import data as helpdesk_data
from helpdesk.demo.seed import create_demo_user
from helpdesk.models import Category, CustomerProfile, Organization, User

from ..models import Board, FlagReason, Tag, Topic
from ..services import digests, flags, limits, moderation, posting, solutions, subscriptions, votes
from . import data


def seed_boards() -> dict[str, Board]:
    boards = {}
    for position, (slug, names, descriptions, read, start, reply, approval, erp, category) in enumerate(
        data.BOARDS
    ):
        board, _created = Board.objects.get_or_create(
            slug=slug,
            defaults={
                "name_zh_hans": names[0],
                "name_en": names[1],
                "description_zh_hans": descriptions[0],
                "description_en": descriptions[1],
                "position": position * 10,
                "read_audience": read,
                "topic_audience": start,
                "reply_audience": reply,
                "requires_approval": approval,
                "erp_system": erp,
                "ticket_category": Category.objects.filter(slug=category).first() if category else None,
            },
        )
        boards[slug] = board
    for name in data.TAGS:
        Tag.objects.get_or_create(name=name)
    return boards


def _people() -> dict[str, User]:
    people = {user.email: user for user in User.objects.filter(email__in=list(helpdesk_data.PEOPLE))}
    huadong = Organization.objects.filter(name=helpdesk_data.ORGANIZATIONS[0][0]).first()
    for email, name in data.EXTRA_PEOPLE.items():
        user = User.objects.filter(email=email).first() or create_demo_user(email, full_name=name)
        if email == data.NEWBIE and huadong is not None:
            CustomerProfile.objects.get_or_create(user=user, defaults={"organization": huadong})
        people[email] = user
    return people


def _play(step: tuple, topic: Topic, posts: list, people: dict[str, User], start: datetime) -> None:
    action, *args = step
    if action == "reply":
        who, minutes, body, *quote = args
        quote_of = posts[quote[0]] if quote else None
        posts.append(
            posting.create_reply(
                topic=topic,
                author=people[who],
                body=body,
                quote_of=quote_of,
                now=start + timedelta(minutes=minutes),
            )
        )
        # The thread is played in a moment; members' posting pauses are for real time.
        limits.reset(user_id=people[who].pk)
    elif action == "vote":
        who, index = args
        votes.vote(post=posts[index], user=people[who], now=start)
    elif action == "solve":
        who, index = args
        solutions.mark_solution(topic=topic, post=posts[index], actor=people[who], now=start)
    elif action == "pin_answer":
        who, index = args
        moderation.pin_official_answer(post=posts[index], actor=people[who], now=start)
    elif action == "flag":
        who, index, reason = args
        flags.flag_post(post=posts[index], user=people[who], reason=FlagReason(reason), now=start)
    elif action == "edit":
        index, minutes, body = args
        post = posts[index]
        posting.edit_post(post=post, editor=post.author, body=body, now=start + timedelta(minutes=minutes))
    elif action == "pin":
        moderation.pin_topic(topic=topic, actor=people[args[0]], now=start)
    elif action == "lock":
        moderation.lock_topic(topic=topic, actor=people[args[0]], now=start)
    elif action == "follow":
        subscriptions.follow_topic(user=people[args[0]], topic=topic, now=start)


@transaction.atomic
def seed_threads(*, now: datetime) -> int:
    """The hand-written threads; skipped when the forum already has them."""
    boards = seed_boards()
    if Topic.objects.filter(title=data.THREADS[0][2]).exists():
        return 0
    people = _people()
    tags = {tag.name: tag for tag in Tag.objects.all()}
    made = 0
    for board, who, title, body, tag_names, hours_ago, steps in data.THREADS:
        if who not in people:
            continue
        start = now - timedelta(hours=hours_ago)
        topic = posting.create_topic(
            board=boards[board],
            author=people[who],
            title=title,
            body=body,
            tags=[tags[name] for name in tag_names],
            now=start,
        )
        limits.reset(user_id=people[who].pk)
        posts = [topic.posts.get(number=1)]
        for step in steps:
            _play(step, topic, posts, people, start)
        made += 1
    # The digests the threads produced are long due: queue them, so the outbox has forum mail.
    digests.send_due_digests(now=now)
    return made
