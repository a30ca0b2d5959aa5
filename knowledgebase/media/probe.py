"""What a video file is and how long it plays, read from its container header (pure Python).

Only two containers are accepted (what browsers play without plugins): WebM (Matroska's EBML
with DocType "webm") and MP4 (ISO base media, an `ftyp` box first). The duration is the
container's own: WebM's Segment/Info/Duration scaled by TimecodeScale, MP4's `mvhd`
duration over its timescale. Nothing here decodes video; ffprobe, where installed, is asked
first by the service and this reader is the fallback (see docs/architecture.md).
"""

import io
import struct
from typing import BinaryIO

WEBM, MP4 = "video/webm", "video/mp4"

_EBML = 0x1A45DFA3
_DOCTYPE = 0x4282
_SEGMENT = 0x18538067
_INFO = 0x1549A966
_TIMECODE_SCALE = 0x2AD7B1
_DURATION = 0x4489
_CLUSTER = 0x1F43B675
# Header elements are small; a file whose Info is not within this many bytes is not ours.
_SCAN_LIMIT = 4 * 1024 * 1024


class ProbeError(ValueError):
    """Not a WebM or MP4 file, or a header this reader cannot follow."""


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes (≥ 64 are enough), else None."""
    if head[:4] == b"\x1a\x45\xdf\xa3":
        # The DocType element (0x4282) sits in the EBML header, within its first few dozen bytes.
        at = head.find(b"\x42\x82", 4, 64)
        if at != -1 and head[at + 3 : at + 3 + (head[at + 2] & 0x7F)] == b"webm":
            return WEBM
        return None
    if head[4:8] == b"ftyp" and head[8:12] != b"qt  ":
        return MP4
    return None


def duration_seconds(stream: BinaryIO) -> float | None:
    """The playing time in seconds, None when the header does not say; ProbeError when the
    file is neither WebM nor MP4. Reads from the current position (the start of the file)."""
    head = stream.read(64)
    kind = sniff(head)
    stream.seek(-len(head), 1)
    if kind == WEBM:
        return _webm_duration(stream)
    if kind == MP4:
        return _mp4_duration(stream)
    raise ProbeError("neither WebM nor MP4")


# --- WebM (EBML) ---------------------------------------------------------------------------


def _vint(stream: BinaryIO, *, keep_marker: bool) -> tuple[int, int, bool]:
    """One EBML variable-length integer: (value, bytes read, all value bits set)."""
    first = stream.read(1)
    if not first:
        raise EOFError
    byte = first[0]
    length = 1
    mask = 0x80
    while length <= 8 and not byte & mask:
        mask >>= 1
        length += 1
    if length > 8:
        raise ProbeError("bad EBML length")
    rest = stream.read(length - 1)
    if len(rest) != length - 1:
        raise EOFError
    value = byte if keep_marker else byte & (mask - 1)
    for b in rest:
        value = (value << 8) | b
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, length, unknown


def _element(stream: BinaryIO) -> tuple[int, int | None]:
    element_id, _, _ = _vint(stream, keep_marker=True)
    size, _, unknown = _vint(stream, keep_marker=False)
    return element_id, None if unknown else size


def _webm_duration(stream: BinaryIO) -> float | None:
    try:
        element_id, size = _element(stream)
        if element_id != _EBML or size is None:
            raise ProbeError("no EBML header")
        stream.seek(size, 1)
        element_id, _ = _element(stream)
        if element_id != _SEGMENT:
            raise ProbeError("no Segment")
        while stream.tell() < _SCAN_LIMIT:
            element_id, size = _element(stream)
            if element_id == _INFO and size is not None:
                return _webm_info(stream.read(size))
            if element_id == _CLUSTER or size is None:
                return None
            stream.seek(size, 1)
    except EOFError:
        return None
    return None


def _webm_info(data: bytes) -> float | None:
    stream = io.BytesIO(data)
    scale, duration = 1_000_000, None
    try:
        while stream.tell() < len(data):
            element_id, size = _element(stream)
            if size is None:
                return None
            payload = stream.read(size)
            if element_id == _TIMECODE_SCALE:
                scale = int.from_bytes(payload, "big")
            elif element_id == _DURATION:
                if size == 4:
                    duration = struct.unpack(">f", payload)[0]
                elif size == 8:
                    duration = struct.unpack(">d", payload)[0]
    except EOFError:
        pass
    if duration is None:
        return None
    return duration * scale / 1e9


# --- MP4 (ISO base media) ------------------------------------------------------------------


def _boxes(stream: BinaryIO, end: int | None):
    """(type, payload start, payload end) of each box from the current position to `end`."""
    while end is None or stream.tell() + 8 <= end:
        start = stream.tell()
        header = stream.read(8)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header)
        payload = start + 8
        if size == 1:
            size = struct.unpack(">Q", stream.read(8))[0]
            payload += 8
        elif size == 0:
            stream.seek(0, 2)
            size = stream.tell() - start
            stream.seek(payload)
        if size < payload - start:
            raise ProbeError("bad MP4 box size")
        yield kind, payload, start + size
        stream.seek(start + size)


def _mp4_duration(stream: BinaryIO) -> float | None:
    for kind, start, end in _boxes(stream, None):
        if kind != b"moov":
            continue
        stream.seek(start)
        for child, child_start, _ in _boxes(stream, end):
            if child != b"mvhd":
                continue
            stream.seek(child_start)
            version = stream.read(4)[0]
            if version == 1:
                _, _, timescale, duration = struct.unpack(">QQIQ", stream.read(28))
            else:
                _, _, timescale, duration = struct.unpack(">IIII", stream.read(16))
            return duration / timescale if timescale else None
        return None
    return None
