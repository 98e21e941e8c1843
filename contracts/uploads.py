"""Checks for uploaded documents, reusable by any app (disputes use it for evidence).

The type is decided by the bytes, never by the file name or the browser's claimed
content type: a PDF starts with ``%PDF-``; a DOCX is a zip holding
``[Content_Types].xml`` and ``word/document.xml``. The size limit is
``settings.UPLOAD_MAX_BYTES`` (default 20 MB).
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
import zipfile
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def validate_document(uploaded_file: UploadedFile) -> str:
    """Return the real content type of a PDF or DOCX upload, else raise ValidationError."""
    validate_filename(getattr(uploaded_file, "name", "") or "")
    limit = max_upload_bytes()
    size = uploaded_file.size or 0
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(size)}; the limit is {filesizeformat(limit)}.",
            code="too_large",
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded_file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            names = set()
        finally:
            uploaded_file.seek(0)
        if {"[Content_Types].xml", "word/document.xml"} <= names:
            return DOCX
    raise ValidationError(
        "Only PDF and Word (.docx) documents are accepted; this file is neither.",
        code="bad_type",
    )


def validate_filename(name: str) -> None:
    """Refuse names that try to point somewhere (``../``, ``C:``, hidden dot files).

    Django already strips directory parts from multipart names; this is the second
    line of defence for callers that build files themselves, and it keeps what is
    shown to users honest.
    """
    if (
        not name
        or "/" in name
        or "\\" in name
        or ":" in name
        or ".." in name
        or name.startswith(".")
        or any(not ch.isprintable() for ch in name)
    ):
        raise ValidationError(
            "This file name is not allowed (no paths, drive letters or hidden names).",
            code="bad_name",
        )


def sanitize_filename(name: str, *, max_length: int = 120) -> str:
    """The user's file name made safe for display and a Content-Disposition header.

    Directory parts (``../../etc/passwd``, ``C:\\x``) are dropped, control characters and
    anything outside a conservative set are replaced. Never used as a path on disk.
    """
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = re.sub(r"[^\w.\- ()]+", "_", name).strip(" ._")
    stem, ext = os.path.splitext(name)
    if len(name) > max_length:
        name = stem[: max_length - len(ext)] + ext
    return name or "document"


def storage_name(content_type: str) -> str:
    """A random name for the bytes on disk; the extension follows the checked type."""
    return f"{uuid.uuid4().hex}{EXTENSIONS.get(content_type, '')}"
