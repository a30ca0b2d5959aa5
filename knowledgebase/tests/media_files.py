"""Tiny but well-formed WebM and MP4 headers, built byte by byte, for the probe and upload tests."""

import struct


def _vint_size(n: int) -> bytes:
    return bytes([0x80 | n]) if n < 0x7F else struct.pack(">H", 0x4000 | n)


def _el(element_id: int, payload: bytes) -> bytes:
    raw_id = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    return raw_id + _vint_size(len(payload)) + payload


def webm(*, duration_ms: float | None = 12_500.0, scale: int = 1_000_000, doctype: bytes = b"webm",
         float32: bool = False, unknown_segment_size: bool = True) -> bytes:  # fmt: skip
    """An EBML header and a Segment whose Info says `duration_ms` (in `scale` ns units × 1e6/scale)."""
    header = _el(0x1A45DFA3, _el(0x4286, b"\x01") + _el(0x4282, doctype) + _el(0x4287, b"\x04"))
    info = _el(0x2AD7B1, scale.to_bytes(3, "big"))
    if duration_ms is not None:
        units = duration_ms * 1_000_000 / scale
        info += _el(0x4489, struct.pack(">f", units) if float32 else struct.pack(">d", units))
    info += _el(0x4D80, b"test")
    body = _el(0xEC, b"\x00" * 20) + _el(0x1549A966, info) + _el(0x1F43B675, b"\x00" * 32)
    size = (
        b"\x01\xff\xff\xff\xff\xff\xff\xff"
        if unknown_segment_size
        else b"\x01" + len(body).to_bytes(7, "big")
    )
    return header + b"\x18\x53\x80\x67" + size + body


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(*, seconds: float = 7.0, timescale: int = 1000, version: int = 0) -> bytes:
    """ftyp, a free box, then moov/mvhd with the duration (version 0: 32-bit, 1: 64-bit fields)."""
    if version == 1:
        mvhd = bytes([1, 0, 0, 0]) + struct.pack(">QQIQ", 0, 0, timescale, int(seconds * timescale))
    else:
        mvhd = bytes([0, 0, 0, 0]) + struct.pack(">IIII", 0, 0, timescale, int(seconds * timescale))
    mvhd += b"\x00" * 80
    return (
        _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
        + _box(b"free", b"\x00" * 10)
        + _box(b"moov", _box(b"mvhd", mvhd) + _box(b"trak", b"\x00" * 16))
        + _box(b"mdat", b"\x00" * 64)
    )


VTT = "WEBVTT\n\n00:00.000 --> 00:03.000\n打开门户首页\n".encode()


def png(width: int = 32, height: int = 18) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 80, 160)).save(out, "PNG")
    return out.getvalue()
