"""The forum's enumerations: who may read and write a board, post and topic states, flags."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Audience(models.TextChoices):
    """Who may read a board (and so find its topics in search)."""

    EVERYONE = "everyone", _("Everyone, signed in or not")
    SIGNED_IN = "signed_in", _("Signed-in customers and staff")
    STAFF = "staff", _("Staff only")


class Participation(models.TextChoices):
    """Who may start topics, or reply, on a board."""

    SIGNED_IN = "signed_in", _("Signed-in customers and staff")
    STAFF = "staff", _("Staff only (announcements)")


class PostState(models.TextChoices):
    VISIBLE = "visible", pgettext_lazy("post state", "Visible")
    PENDING = "pending", pgettext_lazy("post state", "Awaiting approval")
    HIDDEN = "hidden", pgettext_lazy("post state", "Hidden")


class HiddenReason(models.TextChoices):
    FLAGS = "flags", _("Flagged by the community, pending review")
    STAFF = "staff", _("Hidden by staff")
    REJECTED = "rejected", _("Not approved by staff")


class TopicState(models.TextChoices):
    VISIBLE = "visible", pgettext_lazy("topic state", "Visible")
    PENDING = "pending", pgettext_lazy("topic state", "Awaiting approval")
    HIDDEN = "hidden", pgettext_lazy("topic state", "Hidden")
    MERGED = "merged", pgettext_lazy("topic state", "Merged into another topic")


class Trust(models.TextChoices):
    """New accounts are limited until they have taken part; staff are never limited."""

    NEW = "new", _("New member (limited)")
    MEMBER = "member", _("Member")


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    OFF_TOPIC = "off_topic", _("Off-topic")
    INAPPROPRIATE = "inappropriate", _("Inappropriate")
    OTHER = "other", _("Something else")


class FlagState(models.TextChoices):
    OPEN = "open", pgettext_lazy("flag state", "Open")
    AGREED = "agreed", pgettext_lazy("flag state", "Agreed (post hidden)")
    DISMISSED = "dismissed", pgettext_lazy("flag state", "Dismissed")


class NoticeReason(models.TextChoices):
    """Why a digest line is sent; a stronger reason replaces a weaker one for the same topic."""

    NEW_TOPIC = "new_topic", _("New topic on a board you follow")
    REPLY = "reply", _("New replies on a topic you follow")
    MENTION = "mention", _("You were mentioned")


class ModerationAction(models.TextChoices):
    HIDE = "hide", _("Hid a post")
    UNHIDE = "unhide", _("Restored a post")
    AUTO_HIDE = "auto_hide", _("Post hidden automatically after flags")
    APPROVE = "approve", _("Approved a post")
    REJECT = "reject", _("Rejected a post")
    AGREE_FLAGS = "agree_flags", _("Agreed with flags")
    DISMISS_FLAGS = "dismiss_flags", _("Dismissed flags")
    LOCK = "lock", _("Locked a topic")
    UNLOCK = "unlock", _("Unlocked a topic")
    PIN = "pin", _("Pinned a topic")
    UNPIN = "unpin", _("Unpinned a topic")
    MOVE = "move", _("Moved a topic")
    MERGE = "merge", _("Merged topics")
    DUPLICATE = "duplicate", _("Closed as a duplicate")
    PIN_ANSWER = "pin_answer", _("Pinned an official answer")
    UNPIN_ANSWER = "unpin_answer", _("Unpinned the official answer")
    ESCALATE = "escalate", _("Escalated to a support ticket")
    PUBLISH_SOLUTION = "publish_solution", _("Published a ticket's solution")
    KB_DRAFT = "kb_draft", _("Drafted a knowledge-base article")
    TRUST = "trust", _("Changed a member's trust")
