"""Who may do what on a board: one set of answers for selectors, services and templates."""

from .models import Audience, Board, Participation, PostState, Topic, TopicState


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_staff(user) -> bool:
    return _signed_in(user) and user.is_staff


def readable_audiences(user) -> tuple[str, ...]:
    if is_staff(user):
        return tuple(Audience.values)
    if _signed_in(user):
        return (Audience.EVERYONE, Audience.SIGNED_IN)
    return (Audience.EVERYONE,)


def can_read_board(user, board: Board) -> bool:
    return board.read_audience in readable_audiences(user)


def _may_take_part(user, participation: str) -> bool:
    if not _signed_in(user):
        return False
    return participation == Participation.SIGNED_IN or user.is_staff


def can_start_topic(user, board: Board) -> bool:
    return can_read_board(user, board) and _may_take_part(user, board.topic_audience)


def can_reply(user, topic: Topic) -> bool:
    if not can_read_topic(user, topic) or topic.state != TopicState.VISIBLE:
        return False
    if topic.is_locked and not is_staff(user):
        return False
    return _may_take_part(user, topic.board.reply_audience)


def can_read_topic(user, topic: Topic) -> bool:
    """Visible topics on a readable board; a pending one to its author too; staff see all."""
    if not can_read_board(user, topic.board):
        return False
    # A merged topic only redirects to where its posts went.
    if is_staff(user) or topic.state in (TopicState.VISIBLE, TopicState.MERGED):
        return True
    return topic.state == TopicState.PENDING and _signed_in(user) and topic.author_id == user.pk


def can_see_post_body(user, post) -> bool:
    """Hidden and pending posts show their text only to their author and staff."""
    if post.state == PostState.VISIBLE or is_staff(user):
        return True
    return _signed_in(user) and post.author_id == user.pk


def can_edit_post(user, post) -> bool:
    if is_staff(user):
        return True
    if not _signed_in(user) or post.author_id != user.pk or post.topic.is_locked:
        return False
    return post.state != PostState.HIDDEN


def can_mark_solution(user, topic: Topic) -> bool:
    if is_staff(user):
        return True
    return _signed_in(user) and topic.author_id == user.pk and not topic.is_locked


def can_escalate(user, topic: Topic) -> bool:
    """The author (a customer of an organization) of an unsolved topic, or an agent."""
    if topic.is_escalated or topic.is_solved or topic.state != TopicState.VISIBLE:
        return False
    if getattr(topic.author, "customer_profile", None) is None:
        return False
    return is_staff(user) or (_signed_in(user) and topic.author_id == user.pk)
