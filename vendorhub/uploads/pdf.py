"""PDF: opened with a real parser (pypdf), never trusted because it starts with ``%PDF-``.

A PDF is accepted when pypdf reads its cross-reference table and page tree, it has at
least one page, and none of its objects carries active content: JavaScript, launch /
submit / import actions, embedded files, rich media or XFA forms. Every indirect
object is visited (including those packed in compressed object streams, which a byte
scan would miss), and the raw bytes are scanned as well for objects a viewer's repair
mode could find outside the cross-reference table. Markup anywhere in the bytes and
anything after the final ``%%EOF`` are refused: that is how HTML/SVG/JS polyglots
are built. PDFs are stored unchanged (rewriting would break digital signatures).
"""

from __future__ import annotations

import io
import logging
import re

from django.core.exceptions import ValidationError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

log = logging.getLogger(__name__)

# Name objects whose presence means active content or a payload.
ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA", "/Launch"}
)
ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute", "/Rendition"}
)
DANGEROUS_URI = re.compile(rb"^\s*(javascript|vbscript|data|file):", re.IGNORECASE)
# Raw scan: the same names as they may appear in the bytes, with #xx escapes decoded.
RAW_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
RAW_ACTIVE = frozenset(name.encode() for name in ACTIVE_KEYS | ACTIVE_ACTIONS)
# Markup a browser would run. Long tags are searched in every byte (they cannot occur by
# chance in compressed data); ``<svg`` only with an attribute a browser acts on.
MARKUP = re.compile(
    rb"<\s*(script|html|iframe|body|object|embed|!doctype)[\s/>]"
    rb"|<svg[\s/>][^>]{0,300}?(xmlns|\son[a-z]+\s*=)",
    re.IGNORECASE,
)
STREAM_DATA = re.compile(rb"stream(?:\r\n|\n|\r).*?endstream", re.DOTALL)
EOF_TAIL = re.compile(rb"%%EOF[\s\x00]*\Z")
MAX_OBJECTS = 200_000
MAX_DEPTH = 40


class PdfRefused(Exception):
    """Internal: why a PDF is refused (turned into a ValidationError by the caller)."""


def check_pdf(data: bytes) -> None:
    """Raise ValidationError unless ``data`` is a readable PDF with pages and no active
    content."""
    try:
        _check(data)
    except PdfRefused as exc:
        raise ValidationError(str(exc), code="bad_pdf") from None
    except Exception as exc:  # a hostile file may break the parser anywhere
        log.info("PDF refused, parser error: %s: %s", exc.__class__.__name__, exc)
        raise ValidationError(
            "This file is not a readable PDF (it could not be opened).", code="bad_pdf"
        ) from None


def _check(data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise PdfRefused("This file is not a PDF.")
    if not EOF_TAIL.search(data[-4096:]):
        raise PdfRefused(
            "This PDF has data after its end marker (or no end marker); save it again "
            "from the original application."
        )
    if MARKUP.search(data):
        raise PdfRefused("This PDF contains web page markup (HTML, SVG or script).")
    _scan_raw_names(STREAM_DATA.sub(b"stream endstream", data))
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not _opens_without_password(reader):
        raise PdfRefused(
            "This PDF is password-protected, so it cannot be checked; remove the password."
        )
    if len(reader.pages) < 1:
        raise PdfRefused("This PDF has no pages.")
    _walk(reader.trailer, depth=0)
    for number, generation in _object_ids(reader):
        _walk(reader.get_object(IndirectObject(number, generation, reader)), depth=0)


def _opens_without_password(reader: PdfReader) -> bool:
    """Owner-password PDFs (no password to open, editing restricted) are common for
    contracts and can be checked; a PDF that needs a password to open cannot."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # e.g. a cipher pypdf cannot handle
        return False


def _object_ids(reader: PdfReader):
    seen = 0
    for generation, table in reader.xref.items():
        for number in table:
            seen += 1
            if seen > MAX_OBJECTS:
                raise PdfRefused("This PDF has too many objects to be checked.")
            yield number, generation
    for number in reader.xref_objStm:
        seen += 1
        if seen > MAX_OBJECTS:
            raise PdfRefused("This PDF has too many objects to be checked.")
        yield number, 0


def _walk(obj, *, depth: int) -> None:
    """Inspect one object and its direct children (references are visited on their own)."""
    if depth > MAX_DEPTH:
        raise PdfRefused("This PDF is nested too deeply to be checked.")
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if key in ACTIVE_KEYS:
                raise PdfRefused(_active_message(key))
            if key == "/S" and value in ACTIVE_ACTIONS:
                raise PdfRefused(_active_message(value))
            if key == "/URI" and isinstance(value, str | bytes):
                raw = value.encode("latin-1", "replace") if isinstance(value, str) else value
                if DANGEROUS_URI.match(raw):
                    raise PdfRefused("This PDF contains a link that runs a script.")
            if not isinstance(value, IndirectObject):
                _walk(value, depth=depth + 1)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            if not isinstance(value, IndirectObject):
                _walk(value, depth=depth + 1)


def _scan_raw_names(data: bytes) -> None:
    """Names outside stream data (object streams are covered by the object walk; raw
    compressed bytes would match short names such as ``/JS`` by chance)."""
    for match in RAW_NAME.finditer(data):
        name = match.group()
        if b"#" in name:
            name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
        if name in RAW_ACTIVE:
            raise PdfRefused(_active_message(name.decode("latin-1")))


def _active_message(name: str) -> str:
    what = {
        "/JS": "JavaScript",
        "/JavaScript": "JavaScript",
        "/EmbeddedFile": "embedded files",
        "/EmbeddedFiles": "embedded files",
        "/Launch": "an action that launches programs",
        "/SubmitForm": "a form that submits data",
        "/ImportData": "an action that imports data",
        "/RichMedia": "rich media",
        "/RichMediaExecute": "rich media",
        "/Rendition": "rich media",
        "/XFA": "an XFA form",
    }.get(name, "active content")
    return f"This PDF contains {what}, which is not accepted; print it to a plain PDF."
