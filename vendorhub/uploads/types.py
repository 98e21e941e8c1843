"""The file types VendorHub accepts, and the sets each upload allows.

A type is known by its content first; its extensions are only checked to agree with
what the content turned out to be. ``content_type`` is what the file is stored as and
served with: text and CSV are both served as ``text/plain`` so that no browser ever
interprets an uploaded file as anything but inert text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is used for the name on disk


PDF = FileType("pdf", "PDF", "application/pdf", (".pdf",))
DOCX = FileType(
    "docx",
    "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileType(
    "xlsx",
    "Excel (.xlsx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
PNG = FileType("png", "PNG image", "image/png", (".png",))
JPEG = FileType("jpeg", "JPEG image", "image/jpeg", (".jpg", ".jpeg"))
TEXT = FileType("text", "plain text (.txt)", "text/plain", (".txt",))
CSV = FileType("csv", "CSV (.csv)", "text/plain", (".csv",))

ALL_TYPES = (PDF, DOCX, XLSX, PNG, JPEG, TEXT, CSV)

# Contract documents are what a contract is signed as (SPEC: PDF/DOCX).
CONTRACT_DOCUMENT_TYPES = (PDF, DOCX)
# Evidence is whatever proves a point: documents, spreadsheets, screenshots, exports.
EVIDENCE_TYPES = (PDF, DOCX, XLSX, PNG, JPEG, TEXT, CSV)

UNKNOWN_CONTENT_TYPE = "application/octet-stream"


def describe(types: tuple[FileType, ...]) -> str:
    """ "PDF, Word (.docx) or Excel (.xlsx)" for messages."""
    labels = [t.label for t in types]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
