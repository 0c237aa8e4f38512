"""A file download: a document's bytes with its content type, named in Chinese (RFC 5987 ``filename*``)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def attachment(body: bytes, filename: str, *, private: bool) -> HttpResponse:
    """``private``: records of the signed-in user, never kept by a browser or proxy cache."""
    headers = {"Content-Disposition": content_disposition_header(True, filename) or ""}
    if private:
        headers["Cache-Control"] = "private, no-store"
    return HttpResponse(body, content_type=CONTENT_TYPES[filename.rsplit(".", 1)[-1]], headers=headers)
