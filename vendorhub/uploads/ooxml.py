"""Word (.docx) and Excel (.xlsx): zips checked before anything inside is trusted.

A zip is refused when it has too many entries, expands beyond
``UPLOAD_MAX_EXPANDED_BYTES`` or compresses suspiciously well (zip bombs), has
encrypted, oddly compressed, duplicate or path-like entries, or when any entry does not
decompress to exactly its declared size (every entry is read and CRC-checked, which is
bounded because the declared sizes were checked first). It must then be an OOXML
package of the right kind — ``[Content_Types].xml`` declaring the main part, the
package relationships and the main part present — without macros (macro-enabled
content types, ``vbaProject.bin`` and other binary parts, Excel 4.0 macro sheets) and
without external templates or OLE links (remote template injection).
"""

from __future__ import annotations

import io
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from .types import DOCX, XLSX, FileType

MAIN_PART = {
    DOCX: (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    XLSX: (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}
MAX_XML_PART = 2 * 1024 * 1024  # [Content_Types].xml and .rels parts read for checks
BOMB_RATIO = 100  # overall expansion beyond this, on more than BOMB_MIN_BYTES, is a bomb
BOMB_MIN_BYTES = 10 * 1024 * 1024
CONTENT_TYPE_ATTR = re.compile(rb'ContentType\s*=\s*"([^"]*)"', re.IGNORECASE)
RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>", re.IGNORECASE)
EXTERNAL_RISKY_TYPES = re.compile(
    rb'Type\s*=\s*"[^"]*/(attachedTemplate|oleObject|frame|subDocument|package|control)"',
    re.IGNORECASE,
)
RISKY_TARGET = re.compile(rb'Target\s*=\s*"\s*(mhtml:|file:|ms-|\\\\|[a-z]:)', re.IGNORECASE)


def max_entries() -> int:
    return int(getattr(settings, "UPLOAD_MAX_ZIP_ENTRIES", 1000))


def max_expanded_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_EXPANDED_BYTES", 100 * 1024 * 1024))


def refuse(message: str) -> ValidationError:
    return ValidationError(message, code="bad_office_file")


def check_ooxml(data: bytes) -> FileType:
    """Return DOCX or XLSX for a safe package, else raise ValidationError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise refuse("This file is not a readable Word or Excel document.") from None
    with archive:
        infos = archive.infolist()
        _check_entries(infos)
        names = {info.filename for info in infos}
        _check_no_macros(names)
        content_types = _read_small(archive, "[Content_Types].xml")
        file_type = _main_type(content_types)
        main_part, _ = MAIN_PART[file_type]
        missing = {"_rels/.rels", main_part} - names
        if missing:
            raise refuse(f"This {file_type.label} file is missing {', '.join(sorted(missing))}.")
        for name in sorted(names):
            if name.lower().endswith(".rels"):
                _check_relationships(_read_small(archive, name))
        _verify_every_entry(archive, infos)
    return file_type


def _check_entries(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > max_entries():
        raise refuse(f"This document has {len(infos)} parts; at most {max_entries()} are allowed.")
    seen: set[str] = set()
    total = compressed = 0
    for info in infos:
        name = info.filename
        lowered = name.lower()
        if lowered in seen:
            raise refuse("This document has two parts with the same name.")
        seen.add(lowered)
        if name.startswith(("/", "\\")) or ".." in name.split("/") or ":" in name or "\\" in name:
            raise refuse("This document has a part whose name is a path outside it.")
        if info.flag_bits & 0x1:
            raise refuse("This document is encrypted or password-protected; remove the password.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refuse("This document uses an unsupported compression method.")
        total += info.file_size
        compressed += info.compress_size
    limit = max_expanded_bytes()
    if total > limit:
        raise refuse(
            f"This document expands to {filesizeformat(total)}; at most "
            f"{filesizeformat(limit)} is allowed."
        )
    if total > BOMB_MIN_BYTES and total > BOMB_RATIO * max(compressed, 1):
        raise refuse("This document compresses suspiciously well (a zip bomb?); it is refused.")


def _check_no_macros(names: set[str]) -> None:
    for name in names:
        lowered = name.lower()
        if (
            lowered.endswith(".bin")
            or "vbaproject" in lowered
            or lowered.endswith("vbadata.xml")
            or "/macrosheets/" in f"/{lowered}"
            or lowered.startswith("xl/activex/")
            or lowered.startswith("word/activex/")
        ):
            raise refuse(
                "This document contains macros, ActiveX controls or embedded programs, which "
                "are not accepted; save it as a plain .docx or .xlsx."
            )


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise refuse(f"This file is not a Word or Excel document (no {name}).") from None
    if info.file_size > MAX_XML_PART:
        raise refuse(f"This document's {name} is too large.")
    try:
        with archive.open(info) as handle:
            return handle.read(MAX_XML_PART + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        raise refuse("This document is damaged (a part could not be read).") from None


def _main_type(content_types: bytes) -> FileType:
    declared = {
        value.decode("latin-1").strip().lower()
        for value in CONTENT_TYPE_ATTR.findall(content_types)
    }
    if any("macroenabled" in value or "vbaproject" in value for value in declared):
        raise refuse(
            "Macro-enabled documents (.docm, .xlsm) are not accepted; save it as .docx or .xlsx."
        )
    found = [t for t, (_, main) in MAIN_PART.items() if main in declared]
    if len(found) != 1:
        raise refuse("This file is not a Word (.docx) or Excel (.xlsx) document.")
    return found[0]


def _check_relationships(rels: bytes) -> None:
    for relationship in RELATIONSHIP.findall(rels):
        if RISKY_TARGET.search(relationship) or (
            re.search(rb'TargetMode\s*=\s*"External"', relationship, re.IGNORECASE)
            and EXTERNAL_RISKY_TYPES.search(relationship)
        ):
            raise refuse(
                "This document loads a template or object from elsewhere, which is not "
                "accepted; save it again without external links."
            )


def _verify_every_entry(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Decompress everything once: sizes and CRCs must match what the zip declares."""
    for info in infos:
        if info.is_dir():
            continue
        read = 0
        try:
            with archive.open(info) as handle:
                while chunk := handle.read(1024 * 1024):
                    read += len(chunk)
                    if read > info.file_size:
                        raise refuse("This document is damaged (a part is larger than declared).")
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
            raise refuse("This document is damaged (a part could not be read).") from None
        if read != info.file_size:
            raise refuse("This document is damaged (a part is smaller than declared).")
