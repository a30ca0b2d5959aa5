"""The demo's video tutorials: real screen recordings of the product's own flows.

Each clip is recorded once with Playwright's `record_video` in headless Chromium (WebM,
640×360), against a server started in this process on a free local port, with a poster
frame (a screenshot) and a WebVTT caption track whose cues are the steps as they happened
(no narration). Recordings are kept under VAR_DIR/demo-videos/ and reused, so `make run`
records them only the first time (about 40 s for the three clips).

Playwright's video encoder is ffmpeg, which `playwright install` would download; here it is
the ffmpeg on PATH or the one the `imageio-ffmpeg` wheel ships, linked where Playwright
looks for it. Nothing is fetched from the network.
"""

import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

SIZE = {"width": 640, "height": 360}
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@dataclass
class Clip:
    """One flow to record: `steps` are (caption, action(page, base_url)) in order."""

    slug: str
    steps: list[tuple[str, Callable]] = field(default_factory=list)
    poster_after_step: int = 1


@dataclass(frozen=True)
class Recording:
    video: Path
    poster: Path
    captions: Path


class RecordingUnavailable(RuntimeError):
    """Chromium, Playwright or an ffmpeg is missing: the clips cannot be made here."""


def cache_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo-videos"


def cached(slug: str) -> Recording | None:
    base = cache_dir()
    found = Recording(base / f"{slug}.webm", base / f"{slug}.png", base / f"{slug}.vtt")
    return found if all(p.is_file() and p.stat().st_size for p in vars(found).values()) else None


def _timestamp(seconds: float) -> str:
    minutes, rest = divmod(max(seconds, 0.0), 60)
    return f"{int(minutes):02d}:{rest:06.3f}"


def webvtt(cues: list[tuple[float, float, str]]) -> str:
    """A WebVTT document from (start, end, text) cues in seconds."""
    lines = ["WEBVTT", ""]
    for n, (start, end, text) in enumerate(cues, 1):
        lines += [str(n), f"{_timestamp(start)} --> {_timestamp(end)}", text, ""]
    return "\n".join(lines)


def _ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError:
        raise RecordingUnavailable("no ffmpeg: install imageio-ffmpeg (requirements-dev.txt)") from None
    return imageio_ffmpeg.get_ffmpeg_exe()


def _point_playwright_at_ffmpeg() -> None:
    """Playwright looks for its encoder at <browsers path>/ffmpeg-<revision>/ffmpeg-linux."""
    import playwright

    browsers = json.loads(
        (Path(playwright.__file__).parent / "driver" / "package" / "browsers.json").read_text()
    )
    revision = next(b["revision"] for b in browsers["browsers"] if b["name"] == "ffmpeg")
    root = Path(settings.VAR_DIR) / "playwright"
    target = root / f"ffmpeg-{revision}" / "ffmpeg-linux"
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.exists():
        target.unlink()
    target.symlink_to(_ffmpeg())
    os.environ["PLAYWRIGHT_BROWSERS_PATH"] = str(root)


class _Server:
    """The project's WSGI app (static files from the finders) on a free local port."""

    def __enter__(self) -> str:
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
        from django.test.utils import override_settings

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, *args) -> None:
                pass

        # The manifest of hashed static files may not exist yet (collectstatic runs later).
        self._settings = override_settings(
            STORAGES={**settings.STORAGES, "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
        )  # fmt: skip
        self._settings.enable()
        self.httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
        self.httpd.set_app(StaticFilesHandler(WSGIHandler()))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._settings.disable()


def record(clips: list[Clip], *, language: str = "zh-hans") -> dict[str, Recording]:
    """Record every clip not in the cache yet; returns all of them from the cache."""
    missing = [clip for clip in clips if cached(clip.slug) is None]
    if missing:
        _record(missing, language=language)
    return {clip.slug: cached(clip.slug) for clip in clips if cached(clip.slug)}


def _record(clips: list[Clip], *, language: str) -> None:
    if not CHROMIUM.exists():
        raise RecordingUnavailable(f"{CHROMIUM} is missing (apt-get install chromium fonts-wqy-microhei)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise RecordingUnavailable("Playwright is not installed (requirements-dev.txt)") from None
    _point_playwright_at_ffmpeg()
    out = cache_dir()
    out.mkdir(parents=True, exist_ok=True)
    with _Server() as base_url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for clip in clips:
                _record_clip(browser, clip, base_url=base_url, out=out, language=language)
        finally:
            browser.close()


def _record_clip(browser, clip: Clip, *, base_url: str, out: Path, language: str) -> None:
    work = out / f".{clip.slug}.tmp"
    shutil.rmtree(work, ignore_errors=True)
    context = browser.new_context(
        viewport=SIZE, record_video_dir=str(work), record_video_size=SIZE, locale=language
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
    context.set_default_timeout(15_000)
    page = context.new_page()
    started = time.monotonic()
    cues: list[tuple[float, float, str]] = []
    try:
        for n, (caption, action) in enumerate(clip.steps):
            begin = time.monotonic() - started
            action(page, base_url)
            page.wait_for_timeout(1800)
            cues.append((begin, time.monotonic() - started, caption))
            if n == clip.poster_after_step:
                page.screenshot(path=str(out / f"{clip.slug}.png"))
    finally:
        context.close()  # writes the video
    video = Path(page.video.path())
    video.replace(out / f"{clip.slug}.webm")
    shutil.rmtree(work, ignore_errors=True)
    (out / f"{clip.slug}.vtt").write_text(webvtt(cues), encoding="utf-8")
    log.info("recorded %s (%.1f s)", clip.slug, time.monotonic() - started)
