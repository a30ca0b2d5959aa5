"""`seed_forum --posts N`: many plausible topics and posts, fast, for scale tests and `make bench`.

Bulk inserts in chunks (each its own transaction), bodies rendered once and reused, counters
written directly, one very long topic for the deep-page case. The topics are indexed for
search unless `index=False`.
"""

import random
from datetime import datetime, timedelta

from django.db import transaction

from helpdesk.models import User
from search.services import index_documents

from ..models import Audience, Board, Post, PostState, Tag, Topic, TopicState
from ..services import indexing, moderation
from ..services.posting import render

CHUNK_TOPICS = 1000
POST_BATCH = 5000
TITLES = [
    "U8 红冲凭证报错 ERR-{n}",
    "金蝶云星空收款单生成凭证失败：科目 {n} 不存在",
    "K/3 WISE 过账提示期间 {n} 已结账",
    "外币收款汇率差异 {n} 元怎么处理",
    "银行手续费分录能否合并（第 {n} 批）",
    "NC 凭证同步超时，第 {n} 批未生成",
    "摘要模板里的客户名称变成乱码 #{n}",
    "SAP posting key for receipt batch {n}",
    "Oracle EBS receipt {n} imported twice after timeout",
]
BODIES = [
    "我们用的是用友 U8 V13，插件 3.2.0。收款单生成凭证后提示错误，截图见附件，请问怎么处理？",
    "金蝶云星空 8.1，凭证规则里的科目是 1122.01，生成凭证时提示科目不存在或已禁用。",
    "按知识库的步骤操作了，还是报同样的错误。**已经重启过客户端**，日志里没有别的信息。",
    "我们也遇到过，是凭证规则里的摘要模板引用了已删除的字段，改掉就好了。",
    "您好，请在插件「凭证规则」中检查科目是否为末级科目，然后重新生成凭证。\n\n1. 打开凭证规则\n2. 选择收款单\n3. 修改科目并保存",
    "The plugin creates the document but SAP rejects it: `posting period 012/2025 is not open`.",
    "谢谢，按这个办法已经解决了。",
]


def _titles(rng: random.Random, n: int) -> str:
    return rng.choice(TITLES).format(n=n)


def generate_posts(*, count: int, now: datetime, index: bool = True, seed: int = 11) -> tuple[int, int]:
    """Add about `count` posts in new topics; returns (topics, posts) made."""
    rng = random.Random(seed)
    boards = list(Board.objects.exclude(read_audience=Audience.STAFF).exclude(requires_approval=True))
    if not boards:
        raise ValueError("seed the demo boards first (manage.py seed_forum)")
    members = list(User.objects.filter(is_active=True, is_staff=False).values_list("pk", flat=True))
    staff = list(User.objects.filter(is_active=True, is_staff=True).values_list("pk", flat=True))
    authors = members + staff
    bodies = [(body, render(body)[0]) for body in BODIES]
    tags = list(Tag.objects.all())
    start = now - timedelta(days=730)
    # One long thread (the deep-page case), then threads of 1–40 posts.
    sizes = [min(max(count // 20, 1), 100_000)]
    left = count - sizes[0]
    while left > 0:
        size = min(left, rng.randint(1, 40))
        sizes.append(size)
        left -= size
    span = (now - start).total_seconds()
    made_topics = made_posts = 0
    for first in range(0, len(sizes), CHUNK_TOPICS):
        chunk = sizes[first : first + CHUNK_TOPICS]
        with transaction.atomic():
            topics, posts_by_topic = [], []
            for offset, size in enumerate(chunk):
                number = made_topics + offset + 1
                created = start + timedelta(seconds=span * (first + offset) / len(sizes))
                times = [created + timedelta(minutes=i * rng.randint(3, 90)) for i in range(size)]
                times = [min(t, now) for t in times]
                author = rng.choice(members or authors)
                replies = size - 1
                topics.append(
                    Topic(
                        board=rng.choice(boards),
                        title=_titles(rng, 10_000 + number),
                        author_id=author,
                        state=TopicState.VISIBLE,
                        is_solved=replies > 0 and rng.random() < 0.35,
                        reply_count=replies,
                        vote_count=rng.randint(0, 12),
                        highest_number=size,
                        created_at=times[0],
                        last_activity_at=times[-1],
                        last_poster_id=author if not replies else rng.choice(authors),
                    )
                )
                posts_by_topic.append(times)
            Topic.objects.bulk_create(topics, batch_size=POST_BATCH)
            Topic.tags.through.objects.bulk_create(
                [
                    Topic.tags.through(topic_id=topic.pk, tag_id=rng.choice(tags).pk)
                    for topic in topics
                    if tags and rng.random() < 0.5
                ],
                batch_size=POST_BATCH,
            )
            batch: list[Post] = []
            solutions: dict[int, Post] = {}
            for topic, times in zip(topics, posts_by_topic, strict=True):
                pick = rng.randint(2, len(times)) if topic.is_solved else None
                for number, at in enumerate(times, start=1):
                    body, html = bodies[rng.randrange(len(bodies))]
                    author = topic.author_id if number == 1 else rng.choice(authors)
                    post = Post(
                        topic=topic,
                        number=number,
                        author_id=author,
                        body_md=body,
                        body_html=html,
                        state=PostState.VISIBLE,
                        vote_count=rng.randint(0, 5),
                        created_at=at,
                    )
                    batch.append(post)
                    if number == pick:
                        solutions[topic.pk] = post
                    if len(batch) >= POST_BATCH:
                        Post.objects.bulk_create(batch)
                        made_posts += len(batch)
                        batch = []
            if batch:
                Post.objects.bulk_create(batch)
                made_posts += len(batch)
            for topic in topics:
                if topic.pk in solutions:
                    topic.solution = solutions[topic.pk]
                    topic.solved_at = topic.last_activity_at
            Topic.objects.bulk_update(
                [t for t in topics if t.pk in solutions], ["solution", "solved_at"], batch_size=1000
            )
            if index:
                by_pk = {
                    t.pk: t
                    for t in Topic.objects.filter(pk__in=[t.pk for t in topics])
                    .select_related("board")
                    .prefetch_related("tags")
                }
                index_documents(
                    indexing.topic_document(by_pk[t.pk], [BODIES[t.pk % len(BODIES)]]) for t in topics
                )
        made_topics += len(chunk)
    for board in boards:
        moderation.recount_board(board)
    return made_topics, made_posts
