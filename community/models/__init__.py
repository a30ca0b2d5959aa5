"""Forum models, one module per concern."""

from .activity import DigestItem, Flag, ForumProfile, ModerationLog, Subscription, Vote
from .boards import Board, Tag
from .choices import (
    Audience,
    FlagReason,
    FlagState,
    HiddenReason,
    ModerationAction,
    NoticeReason,
    Participation,
    PostState,
    TopicState,
    Trust,
)
from .topics import AuthorBadge, ForumAttachment, Post, PostRevision, Topic

__all__ = [
    "Audience",
    "AuthorBadge",
    "Board",
    "DigestItem",
    "Flag",
    "FlagReason",
    "FlagState",
    "ForumAttachment",
    "ForumProfile",
    "HiddenReason",
    "ModerationAction",
    "ModerationLog",
    "NoticeReason",
    "Participation",
    "Post",
    "PostRevision",
    "PostState",
    "Subscription",
    "Tag",
    "Topic",
    "TopicState",
    "Trust",
    "Vote",
]
