"""Boards a member may read."""

from django.http import Http404

from ..models import Board, Tag
from ..permissions import can_read_board, readable_audiences


def visible_boards(user) -> list[Board]:
    return list(Board.objects.filter(read_audience__in=readable_audiences(user)).order_by("position", "name"))


def board_for(user, slug: str) -> Board:
    """The board if `user` may read it; 404 otherwise (a 403 would say it exists)."""
    board = Board.objects.filter(slug=slug).first()
    if board is None or not can_read_board(user, board):
        raise Http404
    return board


def tag_for(name: str) -> Tag:
    tag = Tag.objects.filter(name=name).first()
    if tag is None:
        raise Http404
    return tag


def all_tags() -> list[Tag]:
    return list(Tag.objects.order_by("name"))
