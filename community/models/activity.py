"""What members do around posts: votes, flags, follows, digest lines; moderation log; trust."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .boards import Board
from .choices import FlagReason, FlagState, ModerationAction, NoticeReason, Trust
from .topics import Post, Topic


class ForumProfile(models.Model):
    """A member's forum identity (the @handle others mention) and standing."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_profile",
        verbose_name=_("user"),
    )
    handle = models.CharField(_("handle"), max_length=30, unique=True)
    trust = models.CharField(_("trust"), max_length=10, choices=Trust.choices, default=Trust.NEW)
    post_count = models.PositiveIntegerField(_("visible posts"), default=0)
    email_digests = models.BooleanField(
        _("forum mail"), default=True, help_text=_("Replies and mentions by mail, in one digest.")
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("forum member")
        verbose_name_plural = _("forum members")
        ordering = ["handle"]

    def __str__(self) -> str:
        return f"@{self.handle}"


class Vote(models.Model):
    """One member's vote for a post; withdrawing it deletes the row."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_votes")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="vote_once_per_post")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.post_id}"


class Flag(models.Model):
    """A member telling moderators a post does not belong; one per member and post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags", verbose_name=_("post"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_flags",
        verbose_name=_("flagged by"),
    )
    reason = models.CharField(_("reason"), max_length=15, choices=FlagReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=FlagState.choices, default=FlagState.OPEN)
    created_at = models.DateTimeField(_("flagged at"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="flag_once_per_post")]
        indexes = [models.Index(fields=["state", "-created_at"], name="flag_queue")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.post}"


class Subscription(models.Model):
    """A member following one topic (replies) or one board (new topics)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_subscriptions"
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(topic__isnull=False), name="subscription_topic_once"
            ),
            models.UniqueConstraint(
                fields=["user", "board"], condition=Q(board__isnull=False), name="subscription_board_once"
            ),
            models.CheckConstraint(
                condition=Q(topic__isnull=False, board__isnull=True)
                | Q(topic__isnull=True, board__isnull=False),
                name="subscription_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.topic_id or self.board_id}"


class DigestItem(models.Model):
    """One line of a member's next forum digest: a topic with news, however many replies.

    A burst of replies updates the pending line (count, latest post) instead of adding mail;
    the digest goes out when the first line of the burst is due.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=NoticeReason.choices)
    count = models.PositiveIntegerField(default=1)
    last_post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    first_at = models.DateTimeField()
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("digest line")
        verbose_name_plural = _("digest lines")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(sent_at__isnull=True), name="digest_one_pending_line"
            )
        ]
        indexes = [models.Index(fields=["due_at"], condition=Q(sent_at__isnull=True), name="digest_due")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.topic_id} ×{self.count}"


class ModerationLog(models.Model):
    """Every staff action (and automatic hide) on the forum, for the admin's log."""

    action = models.CharField(_("action"), max_length=20, choices=ModerationAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the forum acted by itself (e.g. hiding a post after flags)."),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("topic")
    )
    post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("post")
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M}"
