"""In headless Chromium: an uploaded WebM plays (currentTime advances) with its captions, in
both languages at desktop and phone widths; the demo recorder makes a real clip."""

import subprocess
from concurrent.futures import ThreadPoolExecutor

import imageio_ffmpeg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from config.tests.test_accessibility import AXE, violations
from knowledgebase.demo import recordings

from . import media_files
from .factories import video_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as a script tag, which the site's CSP (rightly) forbids.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def webm_clip(tmp_path) -> bytes:
    out = tmp_path / "clip.webm"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=15",
         "-t", "6", "-c:v", "libvpx", "-b:v", "200k", str(out)],
        check=True, timeout=120,
    )  # fmt: skip
    return out.read_bytes()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [1366, 375])
def test_the_video_page_plays_with_captions_and_is_accessible(
    page, live_server, screenshot_dir, webm_clip, language, width
):
    assert AXE.exists(), "axe-core is missing: run `bash scripts/browser-deps.sh`"
    item = video_article(
        title="视频：在知识库中搜索错误代码",
        file=SimpleUploadedFile("search.webm", webm_clip),
        poster=SimpleUploadedFile("poster.png", media_files.png(320, 180)),
        captions=SimpleUploadedFile("c.vtt", media_files.VTT),
    )
    page.set_viewport_size({"width": width, "height": 800})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(live_server.url + "/kb/videos/")
    assert page.locator(".kb-thumb img").first.evaluate("img => img.complete && img.naturalWidth") == 320
    assert page.locator(".kb-thumb-duration").first.inner_text() == "0:06"
    page.screenshot(path=str(screenshot_dir / f"kb-videos-{language}-{width}.png"), full_page=True)
    assert violations(page) == []

    page.goto(live_server.url + item.get_absolute_url())
    player = page.locator("video#kb-player")
    player.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('#kb-player').currentTime > 1.0", timeout=15_000)
    state = player.evaluate(
        "v => ({duration: v.duration, tracks: v.textTracks.length, error: v.error && v.error.code})"
    )
    assert state["error"] is None and state["tracks"] == 1
    assert state["duration"] == pytest.approx(6, abs=0.3)
    page.screenshot(path=str(screenshot_dir / f"kb-video-playing-{language}-{width}.png"), full_page=True)
    player.evaluate("v => v.pause()")
    assert violations(page) == []


def test_the_demo_recorder_makes_a_playable_webm_with_poster_and_captions(live_server, tmp_path):
    clip = recordings.Clip(
        slug="test-clip",
        steps=[("打开首页", lambda page, base: page.goto(base + "/")), ("打开知识库", lambda p, b: p.goto(b + "/kb/"))],
        poster_after_step=0,
    )  # fmt: skip
    with override_settings(VAR_DIR=tmp_path), ThreadPoolExecutor(1) as pool:
        # pytest-playwright's own session holds this thread's event loop; the recorder is sync.
        made = pool.submit(recordings.record, [clip]).result(timeout=120)["test-clip"]
        assert recordings.cached("test-clip") == made  # the second call reuses it
    with made.video.open("rb") as handle:
        from knowledgebase.media import probe

        assert probe.sniff(handle.read(64)) == probe.WEBM
        handle.seek(0)
        assert 3 < probe.duration_seconds(handle) < 15
    vtt = made.captions.read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT") and "打开首页" in vtt and "打开知识库" in vtt
    assert made.poster.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
