"""The container reader: type from the first bytes, duration from the header."""

import io

import pytest

from knowledgebase.media import probe

from . import media_files


@pytest.mark.parametrize(
    ("data", "seconds"),
    [
        (media_files.webm(duration_ms=12_500), 12.5),
        (media_files.webm(duration_ms=9_000, float32=True, unknown_segment_size=False), 9.0),
        (media_files.webm(duration_ms=61_000, scale=1_000), 61.0),
        (media_files.mp4(seconds=7), 7.0),
        (media_files.mp4(seconds=3.5, timescale=90_000, version=1), 3.5),
    ],
)
def test_the_duration_is_read_from_the_container_header(data, seconds):
    assert probe.duration_seconds(io.BytesIO(data)) == pytest.approx(seconds, abs=0.01)


def test_a_webm_without_a_duration_element_has_no_duration():
    assert probe.duration_seconds(io.BytesIO(media_files.webm(duration_ms=None))) is None


def test_matroska_that_is_not_webm_and_other_files_are_refused():
    assert probe.sniff(media_files.webm(doctype=b"matroska")) is None
    assert probe.sniff(b"<html><script>alert(1)</script>" * 3) is None
    with pytest.raises(probe.ProbeError):
        probe.duration_seconds(io.BytesIO(b"GIF89a" + b"\x00" * 100))


def test_a_truncated_header_gives_no_duration_rather_than_an_error():
    assert probe.duration_seconds(io.BytesIO(media_files.webm()[:40])) is None
    assert probe.duration_seconds(io.BytesIO(media_files.mp4()[:30])) is None


@pytest.mark.parametrize(("codec", "suffix"), [("libvpx", "webm"), ("libvpx-vp9", "webm"), ("mpeg4", "mp4")])
def test_the_reader_agrees_with_files_ffmpeg_writes(tmp_path, codec, suffix):
    """Real files from the ffmpeg that the imageio-ffmpeg wheel ships (the recorder's encoder)."""
    import subprocess

    import imageio_ffmpeg

    out = tmp_path / f"clip.{suffix}"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=10",
         "-t", "2.4", "-c:v", codec, str(out)],
        check=True, timeout=60,
    )  # fmt: skip
    with out.open("rb") as handle:
        assert probe.sniff(handle.read(64)) == (probe.WEBM if suffix == "webm" else probe.MP4)
        handle.seek(0)
        assert probe.duration_seconds(handle) == pytest.approx(2.4, abs=0.15)
