"""Serving a stored upload: always a download, never something a browser runs.

The content type is the one detected and stored at upload (never guessed from the
name); ``nosniff`` forbids the browser to second-guess it; ``attachment`` makes it a
download; a sandboxing CSP covers a browser that renders it anyway; ``private,
no-store`` keeps vendor documents out of shared caches and the browser's disk cache.
Callers fetch the row through ``visible_to`` first: this only builds the response.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import FileResponse, Http404

from .types import UNKNOWN_CONTENT_TYPE

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile


def upload_response(*, file: FieldFile, content_type: str, filename: str) -> FileResponse:
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("The file is missing.") from exc
    content_type = content_type or UNKNOWN_CONTENT_TYPE
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"  # text is stored re-encoded as UTF-8
    response = FileResponse(
        handle, as_attachment=True, filename=filename or "download", content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
