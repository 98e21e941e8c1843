"""``upload_check``: the one gate every uploaded file passes before it is stored.

Order matters: the name and the size first (cheap, and an oversized file is never read
into memory), then the type from the bytes (an allow-list of parsed content), then the
extension must name that same type, then the optional virus scan of exactly the bytes
that will be stored. Any failure is a ValidationError with a message for the person
uploading; nothing has been written by then.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from . import clamd
from .images import reencode_image, sniff_image
from .ooxml import check_ooxml
from .pdf import check_pdf
from .text import check_text
from .types import CSV, DOCX, PDF, TEXT, XLSX, FileType, describe

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_NAME_LENGTH = 255


@dataclass(frozen=True)
class CheckedUpload:
    """What is stored: the bytes (re-encoded for images and text), their type, a safe
    display name whose extension matches the type."""

    content: bytes
    file_type: FileType
    name: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def content_type(self) -> str:
        return self.file_type.content_type

    def storage_name(self) -> str:
        """A random name on disk; the user's name is only ever displayed."""
        return f"{uuid.uuid4().hex}{self.file_type.extensions[0]}"


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def upload_check(*, uploaded_file: UploadedFile, allowed: tuple[FileType, ...]) -> CheckedUpload:
    """Check an upload against the allowed types; raise ValidationError if refused."""
    raw_name = getattr(uploaded_file, "name", "") or ""
    validate_filename(raw_name)
    _check_size(uploaded_file.size or 0)
    uploaded_file.seek(0)
    data = uploaded_file.read(max_upload_bytes() + 1)
    uploaded_file.seek(0)
    _check_size(len(data))  # the size the client declared is not trusted either
    file_type, content = _detect(data, raw_name, allowed)
    extension = os.path.splitext(raw_name)[1].lower()
    if extension not in file_type.extensions:
        raise ValidationError(
            f"The name ends in “{extension or '(no extension)'}” but the content is "
            f"{file_type.label}; rename it to end in “{file_type.extensions[0]}” or upload the "
            "real file.",
            code="extension_mismatch",
        )
    _virus_scan(content)
    return CheckedUpload(content=content, file_type=file_type, name=sanitize_filename(raw_name))


def _check_size(size: int) -> None:
    limit = max_upload_bytes()
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(size)}; the limit is {filesizeformat(limit)}.",
            code="too_large",
        )


def _detect(data: bytes, name: str, allowed: tuple[FileType, ...]) -> tuple[FileType, bytes]:
    """The file's type from its bytes (and its checked, possibly re-encoded content)."""
    not_allowed = ValidationError(
        f"Only {describe(allowed)} files are accepted; this file is none of them.",
        code="bad_type",
    )
    if data.startswith(b"%PDF-"):
        if PDF not in allowed:
            raise not_allowed
        check_pdf(data)
        return PDF, data
    if data.startswith(b"PK\x03\x04"):
        if DOCX not in allowed and XLSX not in allowed:
            raise not_allowed
        file_type = check_ooxml(data)
        if file_type not in allowed:
            raise not_allowed
        return file_type, data
    image_type = sniff_image(data)
    if image_type is not None:
        if image_type not in allowed:
            raise not_allowed
        return image_type, reencode_image(data, image_type)
    # No binary signature: only text remains, and the name says which text.
    text_type = CSV if name.lower().endswith(".csv") else TEXT
    if text_type not in allowed:
        raise not_allowed
    try:
        return text_type, check_text(data, text_type)
    except ValidationError as exc:
        if exc.code == "binary":  # not text either: none of the accepted types
            raise not_allowed from None
        raise


def _virus_scan(content: bytes) -> None:
    if not clamd.scanner_configured():
        return
    try:
        signature = clamd.scan_bytes(content)
    except clamd.ScannerUnavailable as exc:
        log.error("Upload refused: virus scanner unavailable: %s", exc)
        raise ValidationError(
            "The virus scanner is unavailable, so the file was not accepted; try again in a "
            "few minutes.",
            code="scanner_unavailable",
        ) from None
    if signature is not None:
        log.warning("Upload refused: virus scanner found %s", signature)
        raise ValidationError(
            f"The virus scanner flagged this file ({signature}); it was not accepted.",
            code="infected",
        )


def validate_filename(name: str) -> None:
    """Refuse names that try to point somewhere (``../``, ``C:``, hidden dot files) or to
    disguise themselves (control and bidirectional characters such as U+202E)."""
    if (
        not name
        or len(name) > MAX_NAME_LENGTH
        or "/" in name
        or "\\" in name
        or ":" in name
        or ".." in name
        or name.startswith(".")
        or any(not ch.isprintable() for ch in name)
    ):
        raise ValidationError(
            "This file name is not allowed (no paths, drive letters, hidden names or "
            "invisible characters).",
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
