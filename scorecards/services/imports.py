"""CSV import of measurements: every row validated, errors by line and column, nothing
half-imported."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from vendorhub.models import User

from ..models import (
    Measurement,
    Source,
)
from .measurements import (
    BulkValidationError,
    UpsertResult,
    _key,
    measurements_upsert,
    measurements_validate,
)

if TYPE_CHECKING:
    pass


CSV_COLUMNS = (
    "vendor",
    "kpi",
    "period_start",
    "granularity",
    "value",
    "volume",
    "numerator",
    "denominator",
    "supplied_by",
)
REQUIRED_CSV_COLUMNS = ("vendor", "kpi", "period_start", "value")
MAX_IMPORT_ROWS = 100_000


# --- CSV import -------------------------------------------------------------------


@dataclass
class ImportPreview:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, column, message)
    total: int = 0
    new: int = 0
    updates: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and self.total > 0


def _read_csv(text: str) -> tuple[list[dict[str, str]], list[tuple[int, str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_CSV_COLUMNS if c not in header]
    if missing:
        return [], [(1, c, "Missing column.") for c in missing]
    unknown = [h for h in header if h and h not in CSV_COLUMNS]
    if unknown:
        return [], [(1, h, "Unknown column.") for h in unknown]
    reader.fieldnames = header
    rows = []
    for row in reader:
        if len(rows) >= MAX_IMPORT_ROWS:
            return [], [(1, "", f"At most {MAX_IMPORT_ROWS} rows per file.")]
        if None in row:
            rows.append({"__extra__": "1"})
            continue
        rows.append({k: (v or "").strip() for k, v in row.items()})
    return rows, []


def measurements_import_preview(*, text: str, by: User) -> ImportPreview:
    """Validate a CSV file without saving: every row, errors by line and column."""
    preview = ImportPreview()
    rows, errors = _read_csv(text)
    preview.errors.extend(errors)
    if errors:
        return preview
    preview.total = len(rows)
    if not rows:
        preview.errors.append((1, "", "The file has no data rows."))
        return preview
    built, item_errors = measurements_validate(items=rows, by=by, source=Source.IMPORT)
    for index, (row, row_errors) in enumerate(zip(rows, item_errors, strict=True)):
        line = index + 2  # the header is line 1
        if "__extra__" in row:
            preview.errors.append((line, "", "More cells than columns."))
            continue
        for column, messages in row_errors.items():
            for message in messages:
                preview.errors.append((line, column, message))
    if preview.errors:
        return preview
    keys = {_key(m) for m in built}
    existing = set(
        Measurement.objects.filter(
            vendor_id__in={k[0] for k in keys},
            kpi_id__in={k[1] for k in keys},
            period_start__gte=min(k[2] for k in keys),
            period_start__lte=max(k[2] for k in keys),
        ).values_list("vendor_id", "kpi_id", "period_start", "granularity", "supplied_by")
    )
    preview.updates = len(keys & existing)
    preview.new = preview.total - preview.updates
    preview.rows = rows[:20]
    return preview


def measurements_import(*, text: str, by: User) -> tuple[ImportPreview, UpsertResult | None]:
    """Validate and, only if every row is valid, write them all in one transaction."""
    if not by.is_manager:
        raise PermissionDenied("Only vendor managers import measurements.")
    preview = measurements_import_preview(text=text, by=by)
    if not preview.ok:
        return preview, None
    rows, _ = _read_csv(text)
    try:
        result = measurements_upsert(items=rows, by=by, source=Source.IMPORT)
    except BulkValidationError as exc:
        for index, row_errors in enumerate(exc.errors):
            for column, messages in row_errors.items():
                preview.errors.extend((index + 2, column, m) for m in messages)
        return preview, None
    return preview, result
