"""A video article's own files (the video, its poster, its captions), after the visibility check.

Media is never served by URL (MEDIA_URL is a dead end): these views apply the article's
visibility to its files, and stream the video in byte ranges so players can seek.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from core.ranged import ranged_file_response
from knowledgebase.selectors.articles import access_video

POSTER_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp"}


def _open(field):
    if not field:
        raise Http404
    try:
        return field.open("rb")
    except FileNotFoundError:
        raise Http404 from None


def _private(response: HttpResponse) -> HttpResponse:
    # The article may be visible to customers only: no shared cache may keep its files.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def video_file(request: HttpRequest, slug: str) -> HttpResponse:
    video = access_video(user=request.user, slug=slug, preview=request.GET.get("preview") == "1")
    handle = _open(video.file)
    return _private(ranged_file_response(request, handle, content_type=video.content_type or "video/mp4"))


@require_GET
def video_poster(request: HttpRequest, slug: str) -> HttpResponse:
    video = access_video(user=request.user, slug=slug, preview=request.GET.get("preview") == "1")
    handle = _open(video.poster)
    suffix = video.poster.name.rsplit(".", 1)[-1].lower()
    content_type = POSTER_TYPES.get(f".{suffix}", "application/octet-stream")
    return _private(ranged_file_response(request, handle, content_type=content_type))


@require_GET
def video_captions(request: HttpRequest, slug: str) -> HttpResponse:
    video = access_video(user=request.user, slug=slug, preview=request.GET.get("preview") == "1")
    handle = _open(video.captions)
    return _private(ranged_file_response(request, handle, content_type="text/vtt; charset=utf-8"))
