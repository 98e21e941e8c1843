"""Every CSV VendorHub writes goes through here: formula-safe, Excel-friendly, safely named.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab
or carriage return before one of them) as a formula — ``=HYPERLINK(...)`` sends the
reader somewhere, ``=cmd|...`` used to start programs. Partners write dispute titles,
so every text cell that starts that way is prefixed with ``'`` (OWASP's advice), which
makes it inert text. Numbers the code itself writes (``int``, ``float``, ``Decimal``)
stay numbers, negative ones included: only strings are user text.

The file starts with a UTF-8 byte-order mark so that Excel opens accents and currency
signs correctly, and the download name is reduced to ``[A-Za-z0-9._-]``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

BOM = "\ufeff"
# ASCII triggers and their full-width forms, which some spreadsheet programs fold.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def starts_like_formula(value: str) -> bool:
    """Whether a spreadsheet could take this text for a formula (leading spaces too)."""
    return value.lstrip(" ").startswith(FORMULA_START)


def is_formula(value: str) -> bool:
    """A formula-like cell that is not simply a number such as ``-12.5`` (for checking
    files people send us, where negative numbers are ordinary)."""
    return starts_like_formula(value) and not PLAIN_NUMBER.fullmatch(value.strip())


def csv_cell(value: object) -> object:
    """One cell as written: numbers as numbers, text neutralised, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    text = str(value)
    return "'" + text if starts_like_formula(text) else text


def csv_filename(*parts: object) -> str:
    """``disputes-2026-03.csv``: the parts joined with ``-``, anything unsafe dropped."""
    stem = "-".join(str(part) for part in parts if part not in (None, ""))
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:100] or "export"
    return stem if stem.endswith(".csv") else f"{stem}.csv"


class _Echo:
    """csv.writer needs a file; this one hands each line back to the generator."""

    def write(self, value: str) -> str:
        return value


def csv_rows(header: Sequence[object], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text, line by line, starting with the byte-order mark."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([csv_cell(cell) for cell in row])


def csv_response(
    *, filename: str, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """A streamed CSV download (rows may be a generator over a large queryset)."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=csv_filename(filename)
    )
    # Exports are confidential business data: never kept by shared caches or browsers.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
