"""Video articles: pasted links become a provider id, uploads are checked, media is served in
byte ranges after the visibility check."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk.tests.factories import CustomerFactory
from knowledgebase.media import embeds
from knowledgebase.models import Kind, Visibility
from knowledgebase.services import videos as svc

from . import media_files
from .factories import article, video_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("link", "provider", "video_id", "player"),
    [
        ("https://www.bilibili.com/video/BV1GJ411x7h7/?spm_id_from=333.1007", "bilibili", "BV1GJ411x7h7",
         "https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7&autoplay=0"),
        ("//player.bilibili.com/player.html?bvid=BV1GJ411x7h7&page=1", "bilibili", "BV1GJ411x7h7", None),
        ("https://v.qq.com/x/cover/mzc00200abcdefg/h0034abcd12.html", "tencent", "h0034abcd12",
         "https://v.qq.com/txp/iframe/player.html?vid=h0034abcd12"),
        ("https://v.qq.com/x/page/h0034abcd12.html", "tencent", "h0034abcd12", None),
        ("https://v.qq.com/txp/iframe/player.html?vid=h0034abcd12", "tencent", "h0034abcd12", None),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42", "youtube", "dQw4w9WgXcQ",
         "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("youtu.be/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", None),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", None),
        ("https://youtube.com/shorts/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", None),
    ],
)  # fmt: skip
def test_a_pasted_link_keeps_only_the_provider_and_id(link, provider, video_id, player):
    embed = embeds.parse_embed(link)
    assert (embed.provider, embed.video_id) == (provider, video_id)
    if player:
        assert embed.player_url == player


@pytest.mark.parametrize(
    "link",
    [
        "https://example.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ%22onload%3D",
        "https://www.youtube.com/watch?v=short",
        "javascript:alert(1)",
        "https://user@www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.bilibili.com/video/av170001",
        "https://v.qq.com/x/cover/abc/../../evil.html",
        "https://b23.tv/abc123",
        "",
    ],
)
def test_links_to_other_hosts_or_without_a_valid_id_are_refused(link):
    with pytest.raises(embeds.EmbedError):
        embeds.parse_embed(link)


def test_the_csp_frame_src_allows_exactly_the_players_we_build():
    allowed = {src.removeprefix("https://") for src in settings.SECURE_CSP["frame-src"]}
    assert allowed == embeds.FRAME_HOSTS


def test_an_embedded_video_page_frames_the_player_built_from_the_id(client):
    item = video_article(title="哔哩哔哩上的演示", embed="https://www.bilibili.com/video/BV1GJ411x7h7?x=<b>")
    html = client.get(item.get_absolute_url()).content.decode()
    assert 'src="https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7&amp;autoplay=0"' in html
    assert "<b>" not in html.split("kb-video", 1)[1].split("</div>", 1)[0]


def test_a_bad_link_is_refused_with_a_message_naming_the_providers():
    item = article(kind=Kind.VIDEO)
    with pytest.raises(ValidationError) as caught:
        svc.set_embed(article=item, url="https://vimeo.com/76979871")
    assert "Bilibili, Tencent Video or YouTube" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("clip.avi", media_files.webm(), "video_type"),
        ("clip.webm", media_files.mp4(), "video_content"),
        ("clip.mp4", b"<html>not a video</html>" * 4, "video_content"),
        ("clip.webm", media_files.webm(doctype=b"matroska"), "video_content"),
    ],
)
def test_uploads_must_be_webm_or_mp4_by_content_not_by_name(name, data, code):
    with pytest.raises(ValidationError) as caught:
        svc.check_video_file(SimpleUploadedFile(name, data, content_type="video/webm"))
    assert caught.value.code == code


def test_an_upload_over_the_size_limit_is_refused_with_both_sizes(settings):
    settings.KB_VIDEO_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        svc.check_video_file(SimpleUploadedFile("clip.webm", media_files.webm()))
    assert caught.value.code == "video_size"
    assert "100" in caught.value.messages[0]


def test_an_upload_keeps_type_size_and_duration_and_refused_companions_store_nothing():
    item = video_article(file=SimpleUploadedFile("intro.mp4", media_files.mp4(seconds=95)))
    assert (item.video.content_type, item.video.duration_seconds) == ("video/mp4", 95)
    assert item.video.duration_display == "1:35"
    with pytest.raises(ValidationError) as caught:
        svc.attach_file(
            article=item,
            poster=SimpleUploadedFile("p.png", b"not an image"),
            captions=SimpleUploadedFile("c.vtt", b"1\n00:00 --> 00:01\nno header"),
        )
    assert set(caught.value.error_dict) == {"poster", "captions"}
    item.video.refresh_from_db()
    assert not item.video.poster and not item.video.captions


@pytest.fixture
def clip():
    return video_article(
        title="门户演示",
        poster=SimpleUploadedFile("p.png", media_files.png()),
        captions=SimpleUploadedFile("c.vtt", media_files.VTT),
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_video_is_served_whole_with_accept_ranges(client, clip):
    response = client.get(reverse("knowledgebase:video-file", args=[clip.slug]))
    data = media_files.webm()
    assert response.status_code == 200
    assert (response["Content-Type"], response["Accept-Ranges"]) == ("video/webm", "bytes")
    assert response["Content-Length"] == str(len(data)) and _body(response) == data


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-9", 0, 9), ("bytes=10-", 10, None), ("bytes=-16", -16, None), ("bytes=5-99999", 5, None)],
)
def test_a_range_request_gets_206_with_exactly_those_bytes(client, clip, header, first, last):
    data = media_files.webm()
    expected = data[first : (last + 1 if last is not None else None)]
    response = client.get(reverse("knowledgebase:video-file", args=[clip.slug]), headers={"Range": header})
    assert response.status_code == 206
    start = first if first >= 0 else len(data) + first
    assert response["Content-Range"] == f"bytes {start}-{start + len(expected) - 1}/{len(data)}"
    assert response["Content-Length"] == str(len(expected))
    assert _body(response) == expected


def test_a_range_past_the_end_is_416_with_the_size(client, clip):
    size = len(media_files.webm())
    response = client.get(
        reverse("knowledgebase:video-file", args=[clip.slug]), headers={"Range": f"bytes={size}-"}
    )
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def test_a_multi_range_or_stale_if_range_gets_the_whole_file(client, clip):
    url = reverse("knowledgebase:video-file", args=[clip.slug])
    assert client.get(url, headers={"Range": "bytes=0-1,5-6"}).status_code == 200
    stale = client.get(url, headers={"Range": "bytes=0-1", "If-Range": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert stale.status_code == 200


def test_poster_and_captions_are_served_with_their_types(client, clip):
    poster = client.get(reverse("knowledgebase:video-poster", args=[clip.slug]))
    captions = client.get(reverse("knowledgebase:video-captions", args=[clip.slug]))
    assert (poster.status_code, poster["Content-Type"]) == (200, "image/png")
    assert captions["Content-Type"].startswith("text/vtt") and _body(captions).startswith(b"WEBVTT")


def test_the_page_has_the_player_poster_captions_and_length(client, clip):
    html = client.get(clip.get_absolute_url()).content.decode()
    assert reverse("knowledgebase:video-file", args=[clip.slug]) in html
    assert f'poster="{reverse("knowledgebase:video-poster", args=[clip.slug])}"' in html
    assert '<track kind="captions"' in html and 'class="kb-duration">0:12<' in html


def test_the_list_shows_thumbnails_and_durations(client, clip):
    html = client.get(reverse("knowledgebase:videos")).content.decode()
    assert f'<img src="{reverse("knowledgebase:video-poster", args=[clip.slug])}"' in html
    assert 'class="kb-thumb-duration">0:12<' in html


def test_media_of_a_customers_only_video_is_404_for_anonymous_visitors(client):
    item = video_article(title="仅客户可见", visibility=Visibility.CUSTOMERS)
    for name in ("knowledgebase:video-file", "knowledgebase:video-poster", "knowledgebase:video-captions"):
        assert client.get(reverse(name, args=[item.slug])).status_code == 404
    client.force_login(CustomerFactory())
    response = client.get(
        reverse("knowledgebase:video-file", args=[item.slug]), headers={"Range": "bytes=0-3"}
    )
    assert response.status_code == 206 and response["Cache-Control"].startswith("private")
