"""A video tutorial's media: an uploaded file (with poster, captions and duration) or an embed."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from knowledgebase.media import embeds

from .content import Article


class VideoProvider(models.TextChoices):
    BILIBILI = embeds.BILIBILI, _("Bilibili")
    TENCENT = embeds.TENCENT, _("Tencent Video")
    YOUTUBE = embeds.YOUTUBE, _("YouTube")


class Video(models.Model):
    """The player behind a video article: either our own file or a provider's video id.

    Files are served by `knowledgebase.views.media` after the article's visibility check,
    never by URL. For an embed only the provider and id are kept; the player URL is built by
    `knowledgebase.media.embeds`, whose hosts are the CSP's frame-src.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="video", verbose_name=_("article")
    )
    file = models.FileField(_("video file"), upload_to="kb/videos/", blank=True)
    content_type = models.CharField(_("content type"), max_length=20, blank=True, editable=False)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0, editable=False)
    poster = models.FileField(_("poster image"), upload_to="kb/posters/", blank=True)
    captions = models.FileField(_("captions (WebVTT)"), upload_to="kb/captions/", blank=True)
    captions_language = models.CharField(_("captions language"), max_length=10, default="zh-Hans")
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    provider = models.CharField(_("provider"), max_length=12, choices=VideoProvider.choices, blank=True)
    provider_video_id = models.CharField(_("provider's video id"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(provider="") & models.Q(provider_video_id="") & ~models.Q(file=""))
                | (~models.Q(provider="") & ~models.Q(provider_video_id="") & models.Q(file="")),
                name="kb_video_file_xor_embed",
            ),
        ]

    def __str__(self) -> str:
        return str(self.article)

    @property
    def is_embed(self) -> bool:
        return bool(self.provider)

    @property
    def player_url(self) -> str:
        return embeds.player_url(self.provider, self.provider_video_id) if self.is_embed else ""

    @property
    def duration_display(self) -> str:
        if self.duration_seconds is None:
            return ""
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"
