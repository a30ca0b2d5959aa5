"""Topic lists and a topic's page, each in a fixed number of queries.

Lists are keyset-paginated on (last activity, id): "older" carries the last row's key, and
each page is an index range scan (see the indexes on Topic), as fast at the ten-thousandth
page as at the first. Offsets would make the database count past every earlier row.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404

from .. import permissions
from ..models import (
    Board,
    Flag,
    ForumAttachment,
    Post,
    PostState,
    Subscription,
    Tag,
    Topic,
    TopicState,
    Vote,
)
from .boards import visible_boards

PAGE_SIZE = 30
REPLIES_PER_PAGE = 20


class ListKind:
    LATEST = "latest"
    UNANSWERED = "unanswered"
    SOLVED = "solved"
    MINE = "mine"
    BOARD = "board"
    TAG = "tag"


@dataclass(frozen=True)
class Cursor:
    at: datetime
    pk: int

    def encode(self) -> str:
        return f"{round(self.at.timestamp() * 1_000_000)}.{self.pk}"

    @classmethod
    def decode(cls, value: str | None) -> "Cursor | None":
        """A cursor from the URL; anything malformed is the first page."""
        try:
            micros, pk = (value or "").split(".")
            at = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
            return cls(at=at, pk=int(pk))
        except (ValueError, OverflowError, OSError):
            return None


@dataclass
class TopicPage:
    rows: list[Topic]
    pinned: list[Topic] = field(default_factory=list)
    next_cursor: str | None = None


def _base(board_ids: list[int]) -> QuerySet[Topic]:
    return (
        Topic.objects.filter(board_id__in=board_ids)
        .select_related("board", "author", "last_poster")
        .order_by("-last_activity_at", "-id")
    )


def topic_list(
    *,
    user,
    kind: str,
    boards: list[Board],
    board: Board | None = None,
    tag: Tag | None = None,
    cursor: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> TopicPage:
    """One page of a list. `boards` are the boards the user may read (the page shows them anyway)."""
    board_ids = [b.pk for b in boards] if board is None else [board.pk]
    qs = _base(board_ids)
    if kind == ListKind.MINE:
        if not user.is_authenticated:
            return TopicPage(rows=[])
        qs = qs.filter(author=user, state__in=[TopicState.VISIBLE, TopicState.PENDING])
    else:
        qs = qs.filter(state=TopicState.VISIBLE)
    if kind == ListKind.UNANSWERED:
        qs = qs.filter(reply_count=0)
    elif kind == ListKind.SOLVED:
        qs = qs.filter(is_solved=True)
    elif kind == ListKind.TAG and tag is not None:
        qs = qs.filter(tags=tag)
    pinned: list[Topic] = []
    if kind in (ListKind.LATEST, ListKind.BOARD):
        # Pinned topics stand above the first page and are left out of the rest.
        if cursor is None:
            pinned = list(qs.filter(is_pinned=True)[:10])
        qs = qs.filter(is_pinned=False)
    if cursor is not None:
        # The redundant `lte` bounds the index range; the OR alone would not.
        qs = qs.filter(last_activity_at__lte=cursor.at).filter(
            Q(last_activity_at__lt=cursor.at) | Q(last_activity_at=cursor.at, id__lt=cursor.pk)
        )
    rows = list(qs[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = Cursor(at=rows[-1].last_activity_at, pk=rows[-1].pk).encode()
    _with_tags([*pinned, *rows])
    return TopicPage(rows=rows, pinned=pinned, next_cursor=next_cursor)


def _with_tags(topics: list[Topic]) -> None:
    """Every row's tags in one query (pinned rows and the page together)."""
    prefetch_related_objects(topics, Prefetch("tags", queryset=Tag.objects.order_by("name")))


def recent_topics(*, user, limit: int = 5) -> list[Topic]:
    """The home page panel: the latest visible topics the user may read."""
    ids = [b.pk for b in visible_boards(user)]
    return list(
        Topic.objects.filter(board_id__in=ids, state=TopicState.VISIBLE)
        .only("pk", "title", "is_solved", "last_activity_at")
        .order_by("-last_activity_at", "-id")[:limit]
    )


# --- A topic's page -----------------------------------------------------------------------------


def topic_for(user, pk: int) -> Topic:
    """The topic if `user` may read it; 404 otherwise (never 403)."""
    topic = (
        Topic.objects.select_related(
            "board", "author", "author__customer_profile", "duplicate_of", "merged_into"
        )
        .filter(pk=pk)
        .first()
    )
    if topic is None or not permissions.can_read_topic(user, topic):
        raise Http404
    return topic


def post_for(user, pk: int) -> Post:
    post = Post.objects.select_related("topic", "topic__board", "author").filter(pk=pk).first()
    if post is None or not permissions.can_read_topic(user, post.topic):
        raise Http404
    if post.state == PostState.PENDING and not permissions.can_see_post_body(user, post):
        raise Http404
    return post


def _posts() -> QuerySet[Post]:
    return Post.objects.select_related(
        "author", "author__forum_profile", "quote_of", "quote_of__author"
    ).prefetch_related(Prefetch("attachments", queryset=ForumAttachment.objects.order_by("pk")))


def _readable_posts(user, qs: QuerySet[Post]) -> QuerySet[Post]:
    if permissions.is_staff(user):
        return qs
    # Hidden posts keep their place (a placeholder says why); others' pending ones do not.
    shown = Q(state__in=[PostState.VISIBLE, PostState.HIDDEN])
    if user.is_authenticated:
        shown |= Q(state=PostState.PENDING, author=user)
    return qs.filter(shown)


@dataclass
class TopicView:
    topic: Topic
    question: Post
    solution: Post | None
    official_answer: Post | None
    replies: list[Post]
    next_after: int | None
    previous_after: int | None
    voted: set[int]
    flagged: set[int]
    following: bool


def topic_view(*, user, topic: Topic, after: int = 1) -> TopicView:
    """The question, the featured answers, then a page of replies after post number `after`."""
    after = max(1, after)
    featured_ids = [pk for pk in (topic.solution_id, topic.official_answer_id) if pk]
    head = {
        post.pk: post
        for post in _readable_posts(user, _posts().filter(Q(topic=topic, number=1) | Q(pk__in=featured_ids)))
    }
    question = next((p for p in head.values() if p.topic_id == topic.pk and p.number == 1), None)
    if question is None:
        raise Http404
    solution = head.get(topic.solution_id) if topic.solution_id else None
    official = head.get(topic.official_answer_id) if topic.official_answer_id else None
    if solution is not None and solution.state != PostState.VISIBLE:
        solution = None
    if official is not None and (official.state != PostState.VISIBLE or official == solution):
        official = None
    replies = list(
        _readable_posts(user, _posts().filter(topic=topic, number__gt=after)).order_by("number")[
            : REPLIES_PER_PAGE + 1
        ]
    )
    next_after = None
    if len(replies) > REPLIES_PER_PAGE:
        replies = replies[:REPLIES_PER_PAGE]
        next_after = replies[-1].number
    previous_after = None
    if after > 1:
        # Going back REPLIES_PER_PAGE numbers is approximate (numbers have gaps after a
        # merge or a hidden post) but always lands on a page boundary the reader can use.
        previous_after = max(1, after - REPLIES_PER_PAGE)
    for post in [question, *head.values(), *replies]:
        post.topic = topic  # the page's topic: no query per post when templates ask
    shown = [question.pk, *(p.pk for p in replies), *featured_ids]
    voted, flagged, following = set(), set(), False
    if user.is_authenticated:
        voted = set(Vote.objects.filter(user=user, post_id__in=shown).values_list("post_id", flat=True))
        flagged = set(Flag.objects.filter(user=user, post_id__in=shown).values_list("post_id", flat=True))
        following = Subscription.objects.filter(user=user, topic=topic).exists()
    return TopicView(
        topic=topic,
        question=question,
        solution=solution,
        official_answer=official,
        replies=replies,
        next_after=next_after,
        previous_after=previous_after,
        voted=voted,
        flagged=flagged,
        following=following,
    )


def after_for_number(number: int) -> int:
    """The `after` that shows post `number` on its page (for links to one post)."""
    return max(1, number - 1)


def follows_board(user, board: Board) -> bool:
    return user.is_authenticated and Subscription.objects.filter(user=user, board=board).exists()


def member_topics(*, profile_user, viewer, boards: list[Board], limit: int = 20) -> list[Topic]:
    topics = list(_base([b.pk for b in boards]).filter(author=profile_user, state=TopicState.VISIBLE)[:limit])
    _with_tags(topics)
    return topics


def readable_posts(*, user, topic: Topic) -> QuerySet[Post]:
    """A topic's posts as `user` may list them, in order (the API's keyset pages)."""
    return _readable_posts(user, _posts().filter(topic=topic))
