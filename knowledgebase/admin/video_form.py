"""The article admin form's "Video" fieldset: paste a provider link or upload a file, poster
and captions. Checks run in the form (through the video service's checks) so a refused file
is named on its field; saving goes through `knowledgebase.services.videos`."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from knowledgebase.models import Article, Kind
from knowledgebase.services import videos as video_svc

VIDEO_FIELDS = ("video_link", "video_upload", "video_poster", "video_captions", "video_captions_language")


class ArticleAdminForm(forms.ModelForm):
    video_link = forms.CharField(
        label=_("Video link"),
        required=False,
        max_length=500,
        help_text=_("Paste the video's page on Bilibili, Tencent Video or YouTube; only its id is kept."),
    )
    video_upload = forms.FileField(
        label=_("Video file"), required=False, help_text=_("MP4 or WebM. Replaces an embedded link.")
    )
    video_poster = forms.FileField(label=_("Poster image"), required=False, help_text=_("PNG, JPEG or WebP."))
    video_captions = forms.FileField(
        label=_("Captions"), required=False, help_text=_("A WebVTT (.vtt) file; it is shown as subtitles.")
    )
    video_captions_language = forms.ChoiceField(
        label=_("Captions language"),
        required=False,
        choices=[("zh-Hans", "简体中文"), ("en", "English")],
    )

    class Meta:
        model = Article
        fields = ("kind",)  # the admin passes the fieldsets' fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        video = getattr(self.instance, "video", None) if self.instance.pk else None
        if video is not None and video.is_embed:
            self.fields["video_link"].initial = video.player_url
        if video is not None:
            self.fields["video_captions_language"].initial = video.captions_language

    def _check(self, name: str, check) -> None:
        upload = self.cleaned_data.get(name)
        if upload:
            try:
                check(upload)
            except ValidationError as error:
                self.add_error(name, error)

    def clean(self):
        data = super().clean()
        if data.get("kind") != Kind.VIDEO:
            return data
        link, upload = (data.get("video_link") or "").strip(), data.get("video_upload")
        existing = getattr(self.instance, "video", None) if self.instance.pk else None
        if link and upload:
            self.add_error("video_link", _("Either paste a link or upload a file, not both."))
        elif link:
            try:
                video_svc.parse_link(link)
            except ValidationError as error:
                self.add_error("video_link", error)
        elif not upload and existing is None:
            self.add_error("video_link", _("A video needs a link to its video or an uploaded file."))
        self._check("video_upload", video_svc.check_video_file)
        self._check("video_poster", video_svc.check_poster)
        self._check("video_captions", video_svc.check_captions)
        if (data.get("video_poster") or data.get("video_captions")) and not (
            upload or (existing is not None and not existing.is_embed)
        ):
            self.add_error("video_poster", _("A poster and captions go with an uploaded video file."))
        return data

    def save_video(self, article: Article) -> None:
        """After the article is saved: hand the video fields to the service."""
        if article.kind != Kind.VIDEO:
            return
        data = self.cleaned_data
        link = (data.get("video_link") or "").strip()
        existing = getattr(article, "video", None)
        if link and not (existing and existing.is_embed and existing.player_url == link):
            video_svc.set_embed(article=article, url=link)
        elif data.get("video_upload") or data.get("video_poster") or data.get("video_captions"):
            video_svc.attach_file(
                article=article,
                file=data.get("video_upload"),
                poster=data.get("video_poster"),
                captions=data.get("video_captions"),
                captions_language=data.get("video_captions_language") or None,
            )
