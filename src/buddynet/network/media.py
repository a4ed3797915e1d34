"""Serving an uploaded file through the storage API with HTTP range requests (RFC 9110
§14), so a video player can seek: ``Range: bytes=a-b`` / ``a-`` / ``-n`` gives 206 with
``Content-Range``; a range past the end gives 416; no (or an unparsable) Range header
gives the whole file with 200. Only single ranges are answered as ranges (a multi-range
request gets the whole file, which the RFC allows). Django's ``FileResponse`` sends no
partial content, hence this.

The file is read from ``default_storage`` (a file system here; an object store in
production reads the same way), in chunks, never whole into memory.
"""

from __future__ import annotations

import re

from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse

CHUNK = 64 * 1024
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """(first, last) for one satisfiable range; None to send everything; "416" when the
    range cannot be satisfied."""
    match = RANGE.match((header or "").strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last n bytes
        length = int(last)
        if length == 0:
            return "416"
        return max(size - length, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or (last and end < start):
        return "416"
    return start, min(end, size - 1)


def _chunks(handle, first: int, length: int):
    try:
        handle.seek(first)
        left = length
        while left > 0:
            data = handle.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data
    finally:
        handle.close()


def serve(request, name: str, content_type: str) -> HttpResponseBase:
    size = default_storage.size(name)
    wanted = parse_range(request.headers.get("Range", ""), size)
    if wanted == "416":
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        refused["Accept-Ranges"] = "bytes"
        return refused
    first, last = wanted if isinstance(wanted, tuple) else (0, size - 1)
    length = max(last - first + 1, 0)
    handle = default_storage.open(name, "rb")
    response = StreamingHttpResponse(_chunks(handle, first, length), content_type=content_type)
    if isinstance(wanted, tuple):
        response.status_code = 206
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response
