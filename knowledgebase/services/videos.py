"""Attaching a video article's media: an uploaded file (checked), or an embed from a pasted link."""

import secrets
import shutil
import subprocess
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from knowledgebase.media import embeds, probe
from knowledgebase.models import Article, Kind, Video

VIDEO_EXTENSIONS = {".webm": probe.WEBM, ".mp4": probe.MP4}
POSTER_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}
CAPTIONS_MAX_BYTES = 512 * 1024
POSTER_MAX_BYTES = 5 * 1024 * 1024
POSTER_MAX_PIXELS = 20_000_000


def _max_video_bytes() -> int:
    return settings.KB_VIDEO_MAX_BYTES


def check_video_file(upload: File) -> tuple[str, int | None]:
    """(content type, whole seconds or None) of an acceptable upload; ValidationError otherwise.

    The extension must be .webm or .mp4 and the bytes must agree with it; the browser's
    claimed type is ignored.
    """
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in VIDEO_EXTENSIONS:
        raise ValidationError(_("Choose an MP4 or WebM video file."), code="video_type")
    if upload.size > _max_video_bytes():
        raise ValidationError(
            _("The video is %(size)s; at most %(limit)s can be uploaded."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(_max_video_bytes())},
            code="video_size",
        )
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if probe.sniff(head) != VIDEO_EXTENSIONS[extension]:
        raise ValidationError(
            _("“%(name)s” is not a playable %(ext)s video."),
            params={"name": PurePath(upload.name).name, "ext": extension},
            code="video_content",
        )
    try:
        seconds = _ffprobe_seconds(upload) or probe.duration_seconds(upload)
    except probe.ProbeError:
        seconds = None
    finally:
        upload.seek(0)
    return VIDEO_EXTENSIONS[extension], round(seconds) if seconds else None


def _ffprobe_seconds(upload: File) -> float | None:
    """ffprobe's reading of the duration, when ffprobe is installed and the file is on disk."""
    path = getattr(upload, "temporary_file_path", None) or getattr(upload.file, "name", None)
    path = path() if callable(path) else path
    binary = shutil.which("ffprobe")
    if not binary or not isinstance(path, str):
        return None
    try:
        out = subprocess.run(
            [binary, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
            capture_output=True, text=True, timeout=20, check=True,
        )  # fmt: skip
        return float(out.stdout.strip())
    except (subprocess.SubprocessError, ValueError, OSError):
        return None


def check_captions(upload: File) -> None:
    if upload.size > CAPTIONS_MAX_BYTES:
        raise ValidationError(
            _("The captions file is larger than %(limit)s."),
            params={"limit": filesizeformat(CAPTIONS_MAX_BYTES)},
            code="captions_size",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.removeprefix(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
        raise ValidationError(
            _("Captions must be a WebVTT file (its first line is “WEBVTT”)."), code="captions_type"
        )


def check_poster(upload: File) -> str:
    """The extension to store an acceptable poster image under."""
    invalid = ValidationError(_("The poster must be a PNG, JPEG or WebP image."), code="poster_type")
    if upload.size > POSTER_MAX_BYTES:
        raise invalid
    try:
        with Image.open(upload) as image:
            width, height = image.size
            kind = image.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise invalid from None
    finally:
        upload.seek(0)
    if kind not in POSTER_FORMATS or width * height > POSTER_MAX_PIXELS:
        raise invalid
    return POSTER_FORMATS[kind]


def parse_link(url: str) -> embeds.Embed:
    try:
        return embeds.parse_embed(url)
    except embeds.EmbedError:
        raise ValidationError(
            _("Paste the link of a video on Bilibili, Tencent Video or YouTube (for example %(example)s)."),
            params={"example": "https://www.bilibili.com/video/BV1GJ411x7h7"},
            code="embed_url",
        ) from None


def _require_video_article(article: Article) -> None:
    if article.pk is None or article.kind != Kind.VIDEO:
        raise ValueError("media can only be attached to a saved video article")


@transaction.atomic
def set_embed(*, article: Article, url: str) -> Video:
    """Point the article at a provider's video; any uploaded file it had is detached."""
    _require_video_article(article)
    embed = parse_link(url)
    video = Video.objects.select_for_update().filter(article=article).first() or Video(article=article)
    video.file = video.poster = video.captions = ""
    video.content_type, video.size_bytes, video.duration_seconds = "", 0, None
    video.provider, video.provider_video_id = embed.provider, embed.video_id
    video.full_clean()
    video.save()
    return video


def _stored_name(prefix: str, extension: str) -> str:
    return f"{prefix}-{secrets.token_hex(8)}{extension}"


@transaction.atomic
def attach_file(
    *,
    article: Article,
    file: File | None = None,
    poster: File | None = None,
    captions: File | None = None,
    captions_language: str | None = None,
) -> Video:
    """Attach an uploaded video (and/or its poster and captions) to a video article.

    Each file is checked first; a refused file raises ValidationError keyed by its argument
    name and nothing is stored. Files left out keep what the video already had.
    """
    _require_video_article(article)
    errors: dict[str, ValidationError] = {}
    checked: dict[str, object] = {}
    for name, upload, check in (("file", file, check_video_file), ("poster", poster, check_poster),
                                ("captions", captions, check_captions)):  # fmt: skip
        if upload is None:
            continue
        try:
            checked[name] = check(upload)
        except ValidationError as error:
            errors[name] = error
    if errors:
        raise ValidationError(errors)
    video = Video.objects.select_for_update().filter(article=article).first() or Video(article=article)
    if file is None and not video.file:
        raise ValidationError({"file": _("Upload the video file first.")})
    if file is not None:
        video.content_type, video.duration_seconds = checked["file"]
        video.size_bytes = file.size
        video.provider = video.provider_video_id = ""
        video.file.save(_stored_name(article.slug[:40], PurePath(file.name).suffix.lower()), file, save=False)
    if poster is not None:
        video.poster.save(_stored_name(article.slug[:40], checked["poster"]), poster, save=False)
    if captions is not None:
        video.captions.save(_stored_name(article.slug[:40], ".vtt"), captions, save=False)
    if captions_language:
        video.captions_language = captions_language
    video.full_clean()
    video.save()
    return video
