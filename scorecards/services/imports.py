"""One import service for measurements: the page, ``POST /api/v1/measurements/import/``
and the scheduled platform pulls all come through here (SPEC section 6).

Three formats: the project's own CSV (``csv``), the Genesys Cloud conversation
aggregates response (``genesys_cloud``) and the Amazon Connect GetMetricDataV2 response
(``amazon_connect``). Whatever the format, an import:

- is for one vendor (a CSV ``vendor`` column, if any, must name that vendor);
- is all or nothing: every row is checked first and any error (by row or JSON path,
  field, message) leaves the database as it was;
- upserts on (vendor, KPI, period, granularity, supplier), so re-importing the same
  data updates rows instead of duplicating them;
- is client-measured when the client side imports it and vendor-reported when the
  vendor's own partner does (a partner can never write client-measured rows);
- with ``dry_run``, answers what it would do and writes nothing (the page's preview).

A platform payload is reduced by its parser (``platforms.parsers``) to summed counts
per queue and interval; here those are added up per local day of the vendor (or of its
connection), across queues and media, and stored as counted daily rows of the
count-derived library KPIs (service level, abandonment rate, ASA, AHT, contacts
handled, handle minutes). Scoring then recomputes every period from the summed counts.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied

from vendorhub.access import acts_for_vendor
from vendorhub.models import User, Vendor

from ..formulas import COUNT_FIELDS, REQUIRED_COUNTS, allowed_counts
from ..models import KPI, Granularity, Measurement, Source, SuppliedBy
from .measurements import (
    BulkValidationError,
    UpsertResult,
    measurements_clean,
    measurements_validate,
    measurements_write,
)

if TYPE_CHECKING:
    from platforms.counts import IntervalCounts


class ImportFormat:
    CSV = "csv"
    GENESYS_CLOUD = "genesys_cloud"
    AMAZON_CONNECT = "amazon_connect"
    choices = (
        (CSV, "VendorHub CSV"),
        (GENESYS_CLOUD, "Genesys Cloud (conversation aggregates JSON)"),
        (AMAZON_CONNECT, "Amazon Connect (GetMetricDataV2 JSON)"),
    )
    values = (CSV, GENESYS_CLOUD, AMAZON_CONNECT)


CSV_COLUMNS = (
    "vendor",
    "kpi",
    "period_start",
    "granularity",
    "value",
    "volume",
    "numerator",
    "denominator",
    *COUNT_FIELDS,
    "supplied_by",
)
REQUIRED_CSV_COLUMNS = ("kpi", "period_start")
MAX_IMPORT_ROWS = 100_000
#: The count-derived library KPIs a platform payload feeds, in the order shown.
PLATFORM_KPIS = tuple(REQUIRED_COUNTS)


@dataclass(frozen=True)
class ImportProblem:
    """One error: ``row`` is the CSV line (header = 1) or the JSON path in the payload."""

    row: int | str | None
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class ImportResult:
    """What an import did (or, on a dry run or with errors, would do)."""

    vendor: Vendor
    format: str
    dry_run: bool
    supplied_by: str
    created: int = 0
    updated: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    rows: list[Measurement] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def side_label(self) -> str:
        return SuppliedBy(self.supplied_by).label

    @property
    def total(self) -> int:
        return len(self.rows)

    def as_dict(self) -> dict[str, Any]:
        """The public answer of ``POST /api/v1/measurements/import/``."""
        return {
            "created": self.created,
            "updated": self.updated,
            "errors": [e.as_dict() for e in self.errors],
        }


def _require_may_import(*, vendor: Vendor, by: User) -> str:
    """Who may import for ``vendor``, and as which side: managers (client-measured by
    default) and the vendor's own partners (always vendor-reported)."""
    if not acts_for_vendor(by, vendor):
        raise PermissionDenied("Only managers and the vendor's own partners import data.")
    return SuppliedBy.VENDOR if by.is_partner else SuppliedBy.CLIENT


def measurements_import(
    *,
    vendor: Vendor,
    format: str,
    data: Any,
    by: User,
    dry_run: bool = False,
    supplied_by: str | None = None,
    source: str = Source.IMPORT,
) -> ImportResult:
    """Import ``data`` (CSV text, or a platform's JSON as text, bytes or decoded) for
    ``vendor``; all rows or none. ``PermissionDenied`` for a role that may not."""
    default_side = _require_may_import(vendor=vendor, by=by)
    side = supplied_by or default_side
    result = ImportResult(vendor=vendor, format=format, dry_run=dry_run, supplied_by=side)
    if side not in SuppliedBy.values:
        result.errors.append(
            ImportProblem(None, "supplied_by", f"Use one of: {', '.join(SuppliedBy.values)}.")
        )
        return result
    if by.is_partner and side != SuppliedBy.VENDOR:
        result.errors.append(
            ImportProblem(
                None,
                "supplied_by",
                "A vendor submits vendor-reported data only; client-measured data is the client's.",
            )
        )
        return result
    if format == ImportFormat.CSV:
        return _import_csv(result, data, by=by, source=source)
    if format in (ImportFormat.GENESYS_CLOUD, ImportFormat.AMAZON_CONNECT):
        payload = _decode_json(result, data)
        if result.errors:
            return result
        from platforms.parsers import parser_for

        parsed = parser_for(format)(payload)
        if parsed.errors:
            result.errors.extend(ImportProblem(e.path, e.field, e.message) for e in parsed.errors)
            return result
        return measurements_import_counts(
            result=result,
            rows=parsed.rows,
            tzinfo=_zone_for(vendor, format),
            queues=_known_queues(vendor, format),
            by=by,
            source=source,
        )
    result.errors.append(
        ImportProblem(None, "format", f"Use one of: {', '.join(ImportFormat.values)}.")
    )
    return result


# --- CSV --------------------------------------------------------------------------


def _decode_text(result: ImportResult, data: Any) -> str | None:
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            result.errors.append(ImportProblem(None, "file", "The file is not UTF-8 text."))
            return None
    if isinstance(data, str):
        return data
    result.errors.append(ImportProblem(None, "payload", "Send the CSV file as text."))
    return None


def _read_csv(text: str) -> tuple[list[dict[str, str]], list[ImportProblem]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_CSV_COLUMNS if c not in header]
    if missing:
        return [], [ImportProblem(1, c, "Missing column.") for c in missing]
    unknown = [h for h in header if h and h not in CSV_COLUMNS]
    if unknown:
        return [], [ImportProblem(1, h, "Unknown column.") for h in unknown]
    reader.fieldnames = header
    rows = []
    for row in reader:
        if len(rows) >= MAX_IMPORT_ROWS:
            return [], [ImportProblem(1, "", f"At most {MAX_IMPORT_ROWS} rows per file.")]
        if None in row:
            rows.append({"__extra__": "1"})
            continue
        rows.append({k: (v or "").strip() for k, v in row.items()})
    return rows, []


def _import_csv(result: ImportResult, data: Any, *, by: User, source: str) -> ImportResult:
    text = _decode_text(result, data)
    if text is None:
        return result
    rows, problems = _read_csv(text)
    result.errors.extend(problems)
    if problems:
        return result
    if not rows:
        result.errors.append(ImportProblem(1, "", "The file has no data rows."))
        return result
    vendor = result.vendor
    foreign: set[int] = set()
    for index, row in enumerate(rows):
        named = row.get("vendor", "")
        if named and named != vendor.slug:
            # Another vendor's line in this vendor's file: refused whatever the caller
            # may see, so a file is never spread over several vendors by mistake.
            foreign.add(index)
            result.errors.append(
                ImportProblem(
                    index + 2,
                    "vendor",
                    f"This import is for {vendor.slug}; the row names another vendor.",
                )
            )
            row["vendor"] = ""  # not built, so it cannot clash with the vendor's rows
        else:
            row["vendor"] = vendor.slug
    built, item_errors = measurements_validate(
        items=rows,
        by=by,
        source=source,
        vendors={vendor.slug: vendor},
        default_supplied_by=result.supplied_by,
    )
    for index, (row, row_errors) in enumerate(zip(rows, item_errors, strict=True)):
        line = index + 2  # the header is line 1
        if index in foreign:
            continue
        if "__extra__" in row:
            result.errors.append(ImportProblem(line, "", "More cells than columns."))
            continue
        for column, messages in row_errors.items():
            result.errors.extend(ImportProblem(line, column, m) for m in messages)
    result.rows = [m for m in built if m is not None]
    return _write(result, by=by)


def _write(result: ImportResult, *, by: User | None) -> ImportResult:
    """Upsert ``result.rows`` unless there is an error (then nothing is written)."""
    if result.errors:
        return result
    try:
        upsert: UpsertResult = measurements_write(built=result.rows, by=by, dry_run=result.dry_run)
    except BulkValidationError as exc:
        for row_errors in exc.errors:
            for column, messages in row_errors.items():
                result.errors.extend(ImportProblem(None, column, m) for m in messages)
        return result
    result.created, result.updated = upsert.created, upsert.updated
    return result


def csv_template_rows() -> list[list[Any]]:
    """The downloadable template: the header and one example row per active KPI.

    Count-derived KPIs get an example with counts (the value is then computed); the
    others a value and volume. The KPI's name is in no column (the file must import as
    is), so the page lists the codes with their names next to the download.
    """
    example_day = "2026-01-05"
    examples = {
        "service_level": {"answered": 900, "answered_in_threshold": 738, "abandoned": 40},
        "abandonment_rate": {"answered": 900, "abandoned": 40, "short_abandoned": 10},
        "asa": {"answered": 900, "answer_wait_seconds": 16200},
        "aht": {"handled": 900, "handle_seconds": 279000},
        "contacts_handled": {"handled": 900},
        "handle_minutes": {"handle_seconds": 279000},
    }
    rows: list[list[Any]] = [list(CSV_COLUMNS)]
    for kpi in KPI.objects.active():
        cells: dict[str, Any] = {
            "vendor": "",
            "kpi": kpi.code,
            "period_start": example_day,
            "granularity": Granularity.DAY,
        }
        if kpi.code in examples:
            cells.update(examples[kpi.code])
        elif kpi.is_ratio:
            cells.update({"numerator": 850, "denominator": 1000})
        else:
            cells.update({"value": 4.5 if kpi.unit == "score" else 90, "volume": 200})
        rows.append([cells.get(column, "") for column in CSV_COLUMNS])
    return rows


# --- Platform payloads ------------------------------------------------------------


def _decode_json(result: ImportResult, data: Any) -> Any:
    if isinstance(data, bytes | str):
        try:
            return json.loads(data)
        except (UnicodeDecodeError, ValueError) as exc:
            result.errors.append(ImportProblem("$", "payload", f"Not valid JSON: {exc}"))
            return None
    return data


def _connections(vendor: Vendor, platform: str) -> list:
    from platforms.models import PlatformConnection

    return list(PlatformConnection.objects.filter(vendor=vendor, platform=platform))


def _zone_for(vendor: Vendor, platform: str) -> ZoneInfo:
    """Days are cut in the zone of the vendor's connection to the platform when it has
    exactly one (its queues are reported in that zone), else in the vendor's zone."""
    connections = _connections(vendor, platform)
    if len(connections) == 1:
        return connections[0].tzinfo
    return ZoneInfo(vendor.timezone)


def _known_queues(vendor: Vendor, platform: str) -> set[str] | None:
    """The queue ids of the vendor's connections to the platform, ``None`` if it has no
    connection there (then any queue is accepted: nothing to check against)."""
    connections = _connections(vendor, platform)
    if not connections:
        return None
    return {queue for connection in connections for queue in connection.queue_ids}


def _interval_label(row: IntervalCounts) -> str:
    queue = row.queue or "(no queue)"
    return f"queue {queue}, {row.start.isoformat()}/{row.end.isoformat()}"


def daily_counts(
    rows: list[IntervalCounts], tzinfo: ZoneInfo, queues: set[str] | None = None
) -> tuple[dict[date, IntervalCounts], list[ImportProblem]]:
    """The platform's rows added up per local day (all queues and media together).

    An interval that straddles a local midnight cannot be given to either day without
    inventing a split; it is refused (ask the platform for data in the vendor's zone).
    Queues that are not the vendor's (when its connections name them) are refused too:
    that is another vendor's export.
    """
    days: dict[date, IntervalCounts] = {}
    knew_threshold: set[date] = set()
    problems: list[ImportProblem] = []
    for row in rows:
        if queues is not None and row.queue not in queues:
            problems.append(
                ImportProblem(
                    _interval_label(row),
                    "queue",
                    f"Queue {row.queue or '(none)'} is not one of this vendor's queues on the "
                    "platform (see its platform connections); is this another vendor's export?",
                )
            )
            continue
        day = row.local_day(tzinfo)
        if day is None:
            problems.append(
                ImportProblem(
                    _interval_label(row),
                    "start",
                    f"The interval straddles midnight in {tzinfo.key}; request the data in "
                    "that time zone (daily or hourly intervals).",
                )
            )
            continue
        if row.answered_in_threshold is not None:
            knew_threshold.add(day)
        days[day] = days[day].combine(row) if day in days else row
    for day, total in days.items():
        if day in knew_threshold and total.answered_in_threshold is None:
            problems.append(
                ImportProblem(
                    day.isoformat(),
                    "answered_in_threshold",
                    "The queues counted “answered within” at different thresholds that day; "
                    "import them with one threshold.",
                )
            )
    return days, problems


def _counts_of(total: IntervalCounts) -> dict[str, float | int | None]:
    threshold = total.threshold_seconds
    return {
        "offered": total.offered,
        "answered": total.answered,
        "answered_in_threshold": total.answered_in_threshold,
        "threshold_seconds": None if threshold is None else round(threshold),
        "abandoned": total.abandoned,
        "short_abandoned": total.short_abandoned,
        "handled": total.handled,
        "handle_seconds": total.handle_seconds,
        "answer_wait_seconds": total.answer_wait_seconds,
    }


def measurements_import_counts(
    *,
    result: ImportResult,
    rows: list[IntervalCounts],
    tzinfo: ZoneInfo,
    queues: set[str] | None,
    by: User | None,
    source: str,
) -> ImportResult:
    """Store a platform's parsed counts as counted daily rows of ``result.vendor``.

    Each day gets one row per count-derived library KPI whose required counts the
    platform gave (Connect without ``AVG_QUEUE_ANSWER_TIME`` has no ASA, for example).
    The permission check is the caller's (``measurements_import`` or a scheduled pull).
    """
    days, problems = daily_counts(rows, tzinfo, queues)
    result.errors.extend(problems)
    if result.errors:
        return result
    if not days:
        result.errors.append(ImportProblem("$", "payload", "The payload has no intervals."))
        return result
    kpis = {k.code: k for k in KPI.objects.active().filter(code__in=PLATFORM_KPIS)}
    built: list[Measurement | None] = []
    labels: list[str] = []
    for day in sorted(days):
        counts = _counts_of(days[day])
        for code in PLATFORM_KPIS:
            kpi = kpis.get(code)
            if kpi is None or any(counts[name] is None for name in REQUIRED_COUNTS[code]):
                continue
            kept = {name: counts[name] for name in allowed_counts(code)}
            built.append(
                Measurement(
                    vendor=result.vendor,
                    kpi=kpi,
                    period_start=day,
                    granularity=Granularity.DAY,
                    supplied_by=result.supplied_by,
                    source=source,
                    entered_by=by,
                    **kept,
                )
            )
            labels.append(day.isoformat())
    errors: list[dict[str, list[str]]] = [{} for _ in built]
    measurements_clean(built, errors)
    for label, row_errors in zip(labels, errors, strict=True):
        for name, messages in row_errors.items():
            result.errors.extend(ImportProblem(label, name, m) for m in messages)
    result.rows = [m for m in built if m is not None]
    return _write(result, by=by)
