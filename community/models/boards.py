"""Boards (the forum's categories) and the tags topics carry."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpdesk.models import ErpSystem

from .choices import Audience, Participation


class Board(models.Model):
    """A category of topics with its own audience: who reads it, who starts topics, who replies."""

    name = models.CharField(_("name"), max_length=80)
    # ASCII: it is a URL segment (<slug:slug>), and pinyin or English reads fine there.
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    read_audience = models.CharField(
        _("who can read"), max_length=12, choices=Audience.choices, default=Audience.EVERYONE
    )
    topic_audience = models.CharField(
        _("who can start topics"),
        max_length=12,
        choices=Participation.choices,
        default=Participation.SIGNED_IN,
        help_text=_("Staff only makes it an announcement board."),
    )
    reply_audience = models.CharField(
        _("who can reply"), max_length=12, choices=Participation.choices, default=Participation.SIGNED_IN
    )
    requires_approval = models.BooleanField(
        _("approve new members' posts"),
        default=False,
        help_text=_("Posts by new members wait for a moderator before anyone else sees them."),
    )
    erp_system = models.CharField(_("ERP system"), max_length=20, choices=ErpSystem.choices, blank=True)
    ticket_category = models.ForeignKey(
        "helpdesk.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket category for escalations"),
    )
    topic_count = models.PositiveIntegerField(_("topics"), default=0, editable=False)
    post_count = models.PositiveIntegerField(_("posts"), default=0, editable=False)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:board", kwargs={"slug": self.slug})

    @property
    def is_announcements(self) -> bool:
        return self.topic_audience == Participation.STAFF


class Tag(models.Model):
    """A label staff define and members pick for their topics (金蝶, 红冲, 过账…)."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:tag", kwargs={"name": self.name})
