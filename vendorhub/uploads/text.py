"""Plain text and CSV evidence: accepted only if it really is text.

The bytes must decode as UTF-8 (with or without a BOM) or Windows-1252 — the two
encodings contact-centre tools export — and contain no control characters but tab,
new line, carriage return and form feed: binaries (executables, archives, images) fail
here. Web page markup is refused, so an HTML file renamed ``.txt`` is not evidence.
A CSV is refused if a cell starts like a spreadsheet formula (``=``, ``+``, ``-``,
``@`` and not a plain number), since the reader would open it in Excel. The stored file
is the text re-encoded as UTF-8; it is always served as ``text/plain``.
"""

from __future__ import annotations

import csv
import io
import re

from django.core.exceptions import ValidationError

from vendorhub.csv_export import is_formula

from .types import CSV, FileType

ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f"}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
MARKUP = re.compile(
    r"<\s*(script|html|svg|iframe|body|object|embed|!doctype|\?xml)[\s/>]", re.IGNORECASE
)


def check_text(data: bytes, file_type: FileType) -> bytes:
    """The text as UTF-8 bytes, else ValidationError."""
    text = _decode(data)
    if CONTROL.search(text):
        raise ValidationError(
            "This file is not plain text (it contains binary data).", code="binary"
        )
    if MARKUP.search(text):
        raise ValidationError(
            "This file contains web page markup (HTML, SVG, XML or script); export it as PDF.",
            code="bad_text",
        )
    if file_type is CSV:
        _check_csv(text)
    return text.encode("utf-8")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        "This file is not plain text (it does not decode as UTF-8 or Windows-1252).",
        code="binary",
    )


def _check_csv(text: str) -> None:
    # The delimiter is not declared, and Excel in many locales uses ";": check each.
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        try:
            for row_number, row in enumerate(reader, start=1):
                for column, cell in enumerate(row, start=1):
                    if is_formula(cell):
                        raise ValidationError(
                            f"Row {row_number}, column {column} starts like a spreadsheet "
                            f"formula ({cell[:20]!r}); formulas are not accepted in CSV "
                            "evidence.",
                            code="csv_formula",
                        )
        except csv.Error:
            raise ValidationError(
                "This CSV file could not be read; check its quoting.", code="bad_text"
            ) from None
