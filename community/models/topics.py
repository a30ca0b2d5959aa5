"""Topics, their posts, the posts' revision history and files."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .boards import Board, Tag
from .choices import HiddenReason, PostState, TopicState


class AuthorBadge(models.TextChoices):
    """What a post says about its author, fixed when it is written."""

    NONE = "", _("Member")
    AGENT = "agent", _("Support agent")
    STAFF = "staff", _("Staff")


class Topic(models.Model):
    """A question (post number 1) and its replies, with the forum state around them."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="topics", verbose_name=_("board"))
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="forum_topics",
        verbose_name=_("author"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="topics", verbose_name=_("tags"))
    state = models.CharField(
        _("state"), max_length=10, choices=TopicState.choices, default=TopicState.VISIBLE
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_solved = models.BooleanField(_("solved"), default=False)
    solution = models.ForeignKey(
        "community.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted solution"),
    )
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    official_answer = models.ForeignKey(
        "community.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pinned official answer"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_topics",
        verbose_name=_("merged into"),
    )
    # The ticket this topic was escalated to. Only its author and agents learn which one.
    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_topics",
        verbose_name=_("support ticket"),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    vote_count = models.IntegerField(_("votes"), default=0)
    # Post numbers are never reused, even when posts are moved away by a merge.
    highest_number = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"))
    last_activity_at = models.DateTimeField(_("last activity"))
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last poster"),
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-last_activity_at", "-id"]
        # One index per listing, each ending in the keyset (last activity, id), so every page
        # of every list is an index range scan whatever its depth.
        indexes = [
            models.Index(fields=["state", "-last_activity_at", "-id"], name="topic_latest"),
            models.Index(fields=["board", "state", "-last_activity_at", "-id"], name="topic_board_latest"),
            models.Index(
                fields=["state", "reply_count", "-last_activity_at", "-id"], name="topic_unanswered"
            ),
            models.Index(fields=["state", "is_solved", "-last_activity_at", "-id"], name="topic_solved"),
            models.Index(fields=["author", "-last_activity_at", "-id"], name="topic_author_latest"),
            # Pinned topics are few: a partial index finds them without walking the board.
            models.Index(
                fields=["board", "state", "-last_activity_at", "-id"],
                condition=Q(is_pinned=True),
                name="topic_pinned",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:topic", kwargs={"pk": self.pk})

    @property
    def is_escalated(self) -> bool:
        return self.ticket_id is not None


class Post(models.Model):
    """One message in a topic; number 1 is the question. Bodies are Markdown, sanitised once."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts", verbose_name=_("topic"))
    number = models.PositiveIntegerField(_("number"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="forum_posts",
        verbose_name=_("author"),
    )
    author_badge = models.CharField(
        _("author badge"), max_length=10, choices=AuthorBadge.choices, blank=True, default=AuthorBadge.NONE
    )
    body_md = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(_("rendered text"), editable=False)
    state = models.CharField(_("state"), max_length=10, choices=PostState.choices, default=PostState.VISIBLE)
    hidden_reason = models.CharField(
        _("hidden because"), max_length=10, choices=HiddenReason.choices, blank=True
    )
    quote_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("in reply to"),
    )
    vote_count = models.IntegerField(_("votes"), default=0)
    flag_count = models.PositiveSmallIntegerField(_("open flags"), default=0)
    revision_count = models.PositiveSmallIntegerField(_("revisions"), default=0)
    source_ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published from ticket"),
    )
    created_at = models.DateTimeField(_("created"))
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["topic", "number"]
        constraints = [models.UniqueConstraint(fields=["topic", "number"], name="post_topic_number")]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="post_author_created"),
            models.Index(fields=["state", "-created_at"], name="post_state_created"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}#{self.number}"

    def get_absolute_url(self) -> str:
        return f"{self.topic.get_absolute_url()}?at={self.number}#post-{self.number}"

    @property
    def is_question(self) -> bool:
        return self.number == 1

    @property
    def is_visible(self) -> bool:
        return self.state == PostState.VISIBLE


class PostRevision(models.Model):
    """A post as it was before an edit (edits in the author's grace period leave none)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("post"))
    number = models.PositiveSmallIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    body_md = models.TextField(_("text (Markdown)"))
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("edited by"),
    )
    created_at = models.DateTimeField(_("edited at"))

    class Meta:
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        ordering = ["post", "-number"]
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="revision_post_number")]

    def __str__(self) -> str:
        return f"{self.post} r{self.number}"


def forum_upload_to(instance: "ForumAttachment", filename: str) -> str:
    # The stored name is generated; the user's file name is kept only as data.
    return f"forum/{instance.stored_key[:2]}/{instance.stored_key}"


class ForumAttachment(models.Model):
    """A file on a post, checked by the ticket attachment rules and served by a checked view."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("post")
    )
    file = models.FileField(_("file"), upload_to=forum_upload_to)
    stored_key = models.CharField(max_length=32, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("forum attachment")
        verbose_name_plural = _("forum attachments")
        ordering = ["post", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("community:attachment", kwargs={"pk": self.pk})

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
