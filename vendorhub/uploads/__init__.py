"""One upload check for the whole product (contract documents, dispute evidence, ...).

Use ``upload_check(uploaded_file=..., allowed=EVIDENCE_TYPES)`` before writing
anything, store ``checked.content`` under ``checked.storage_name()`` with
``checked.content_type`` recorded on the row, and serve it with ``upload_response``
from an access-checked view. The modules beside this one hold each format's rules.
"""

from __future__ import annotations

from .checks import (
    CheckedUpload,
    max_upload_bytes,
    sanitize_filename,
    upload_check,
    validate_filename,
)
from .serve import upload_response
from .types import (
    ALL_TYPES,
    CONTRACT_DOCUMENT_TYPES,
    CSV,
    DOCX,
    EVIDENCE_TYPES,
    JPEG,
    PDF,
    PNG,
    TEXT,
    XLSX,
    FileType,
    describe,
)

__all__ = [
    "ALL_TYPES",
    "CONTRACT_DOCUMENT_TYPES",
    "CSV",
    "DOCX",
    "EVIDENCE_TYPES",
    "JPEG",
    "PDF",
    "PNG",
    "TEXT",
    "XLSX",
    "CheckedUpload",
    "FileType",
    "describe",
    "max_upload_bytes",
    "sanitize_filename",
    "upload_check",
    "upload_response",
    "validate_filename",
]
