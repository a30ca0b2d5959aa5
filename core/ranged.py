"""File responses that honour HTTP Range requests (RFC 9110 §14), as video players need.

Django's FileResponse always sends the whole file; a <video> element asks for byte ranges to
start playing before the download ends and to seek. Only single ranges are served as 206;
a multi-range request gets the whole file (200), which the RFC allows; a range past the end
gets 416 with `Content-Range: bytes */size`.
"""

import os
import re

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.http import http_date, parse_http_date_safe

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


class _Window:
    """A read-only file view of bytes [start, start+length) for FileResponse to stream."""

    def __init__(self, handle, start: int, length: int) -> None:
        self._handle = handle
        self._left = length
        handle.seek(start)

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size is None or size < 0 else min(size, self._left)
        data = self._handle.read(size)
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._handle.close()


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """The inclusive (first, last) byte of a single-range header; None when the header asks
    for something we answer with the whole file; False when it is unsatisfiable."""
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0:
            return False
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return False
    return start, end


def ranged_file_response(
    request: HttpRequest, handle, *, content_type: str, size: int | None = None, modified: float | None = None
) -> HttpResponse:
    """Stream the open binary file `handle`, or the byte range the request asks for."""
    if size is None:
        size = os.fstat(handle.fileno()).st_size
    if modified is None and hasattr(handle, "fileno"):
        modified = os.fstat(handle.fileno()).st_mtime
    header = request.headers.get("Range", "")
    # If-Range with a date older than the file means the client's partial copy is stale.
    if_range = request.headers.get("If-Range", "")
    if header and if_range and modified is not None:
        since = parse_http_date_safe(if_range)
        if since is None or int(modified) > since:
            header = ""
    wanted = parse_range(header, size) if header else None
    if wanted is False:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    if wanted is None:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        first, last = wanted
        response = FileResponse(
            _Window(handle, first, last - first + 1), content_type=content_type, status=206
        )
        response["Content-Length"] = str(last - first + 1)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response.block_size = CHUNK
    response["Accept-Ranges"] = "bytes"
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    return response
