"""Evidence upload checks, used only until ``contracts.uploads`` exists.

Same rule as contract documents (SPEC "contracts"): PDF or DOCX only, checked by
extension *and* by the file's first bytes, and at most ``settings.UPLOAD_MAX_BYTES``
(default 20 MB).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

SIGNATURES = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04"}


def validate_document(upload: UploadedFile) -> None:
    """Refuse anything that is not a PDF or DOCX of acceptable size."""
    max_bytes = getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
    name = (upload.name or "").lower()
    ext = next((e for e in SIGNATURES if name.endswith(e)), None)
    if ext is None:
        raise ValidationError("Only PDF or DOCX files can be attached.")
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    if upload.size == 0:
        raise ValidationError("The file is empty.")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(SIGNATURES[ext]):
        raise ValidationError("The file's content does not match its type (PDF or DOCX).")
