"""Writes of the scorecards app: measurement upserts and imports, publishing, appeals.

Views, forms and serializers only translate to and from these functions.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from vendorhub.models import User, Vendor
from vendorhub.notifications import notify

from .models import (
    KPI,
    Appeal,
    Granularity,
    Measurement,
    PeriodKind,
    PublishedScorecard,
    ScorecardStatus,
    Source,
    SuppliedBy,
    Target,
    period_bounds,
    period_label,
)
from .scoring import scorecard_for

if TYPE_CHECKING:
    from collections.abc import Iterable

MEASUREMENT_FIELDS = ("value", "volume", "numerator", "denominator")
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


class BulkValidationError(Exception):
    """Some items were invalid; nothing was saved. ``errors`` is per item (``{}`` if ok)."""

    def __init__(self, errors: list[dict[str, list[str]]]):
        super().__init__("Some items are invalid; nothing was saved.")
        self.errors = errors


# --- Targets ----------------------------------------------------------------------


@transaction.atomic
def target_save(*, target: Target, by: User) -> Target:
    """Create or change a target after its rules (overlap, red line side) are checked."""
    if not by.is_manager:
        raise PermissionDenied("Only vendor managers set targets.")
    target.full_clean()
    target._history_user = by  # type: ignore[attr-defined]
    target.save()
    return target


# --- Measurements -----------------------------------------------------------------


def _number(raw: Any, name: str, errors: dict[str, list[str]], *, integer: bool = False):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        errors[name] = ["Enter a number."]
        return None
    try:
        number = float(str(raw).strip().replace(",", "")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        errors[name] = ["Enter a number."]
        return None
    if number != number or number in (float("inf"), float("-inf")):
        errors[name] = ["Enter a finite number."]
        return None
    if integer:
        if number != int(number) or number < 0:
            errors[name] = ["Enter a whole number of zero or more."]
            return None
        return int(number)
    return number


def measurement_build(
    *,
    item: dict[str, Any],
    vendors: dict[str, Vendor],
    kpis: dict[str, KPI],
    source: str,
    by: User | None,
) -> tuple[Measurement | None, dict[str, list[str]]]:
    """Turn one incoming item (API JSON or CSV row) into an unsaved, validated row.

    ``vendors`` holds only the vendors the caller may see, so an unknown or foreign
    vendor gets the same answer ("unknown vendor").
    """
    errors: dict[str, list[str]] = {}
    vendor = vendors.get(str(item.get("vendor") or "").strip())
    if vendor is None:
        errors["vendor"] = ["Unknown vendor (use its slug)."]
    kpi = kpis.get(str(item.get("kpi") or "").strip())
    if kpi is None:
        errors["kpi"] = ["Unknown KPI code."]
    period_start = None
    raw_date = item.get("period_start")
    if isinstance(raw_date, date):
        period_start = raw_date
    else:
        try:
            period_start = date.fromisoformat(str(raw_date or "").strip())
        except ValueError:
            errors["period_start"] = ["Enter a date as YYYY-MM-DD."]
    granularity = str(item.get("granularity") or Granularity.DAY).strip()
    if granularity not in Granularity.values:
        errors["granularity"] = [f"Use one of: {', '.join(Granularity.values)}."]
    supplied_by = str(item.get("supplied_by") or SuppliedBy.VENDOR).strip()
    if supplied_by not in SuppliedBy.values:
        errors["supplied_by"] = [f"Use one of: {', '.join(SuppliedBy.values)}."]
    numbers = {
        name: _number(item.get(name), name, errors, integer=name == "volume")
        for name in MEASUREMENT_FIELDS
    }
    if numbers["value"] is None and "value" not in errors:
        has_counts = numbers["numerator"] is not None and numbers["denominator"] is not None
        if not (kpi is not None and kpi.is_ratio and has_counts):
            errors["value"] = ["This field is required."]
    if errors:
        return None, errors
    measurement = Measurement(
        vendor=vendor,
        kpi=kpi,
        period_start=period_start,
        granularity=granularity,
        supplied_by=supplied_by,
        source=source,
        entered_by=by,
        value=numbers["value"] if numbers["value"] is not None else 0.0,
        volume=numbers["volume"],
        numerator=numbers["numerator"],
        denominator=numbers["denominator"],
    )
    try:
        measurement.full_clean(
            exclude=["entered_by"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        return None, {k: list(v) for k, v in exc.message_dict.items()}
    return measurement, {}


def _key(m: Measurement) -> tuple[int, int, date, str, str]:
    return (m.vendor_id, m.kpi_id, m.period_start, m.granularity, m.supplied_by)


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    measurements: list[Measurement] = field(default_factory=list)


def measurements_validate(
    *, items: Iterable[dict[str, Any]], by: User, source: str
) -> tuple[list[Measurement], list[dict[str, list[str]]]]:
    """Validate every item; the lists are aligned with ``items`` (errors ``{}`` if ok)."""
    vendors = {v.slug: v for v in Vendor.objects.visible_to(by)}
    kpis = {k.code: k for k in KPI.objects.filter(is_active=True)}
    built: list[Measurement] = []
    errors: list[dict[str, list[str]]] = []
    seen: dict[tuple, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            built.append(None)  # type: ignore[arg-type]
            errors.append({"non_field_errors": ["Each item must be an object."]})
            continue
        measurement, item_errors = measurement_build(
            item=item, vendors=vendors, kpis=kpis, source=source, by=by
        )
        if measurement is not None:
            key = _key(measurement)
            if key in seen:
                item_errors = {
                    "period_start": [f"Duplicates item {seen[key] + 1} (same vendor, KPI, period)."]
                }
            seen.setdefault(key, index)
        built.append(measurement)  # type: ignore[arg-type]
        errors.append(item_errors)
    return built, errors


@transaction.atomic
def measurements_upsert(
    *, items: list[dict[str, Any]], by: User, source: str = Source.API
) -> UpsertResult:
    """Insert or update many measurements, all or nothing.

    Every item is validated first; if any is invalid nothing is written and
    ``BulkValidationError`` carries the per-item field errors. A row is identified by
    (vendor, KPI, period start, granularity, supplier), so re-sending a file is safe.
    """
    if not by.is_manager:
        raise PermissionDenied("Only vendor managers record measurements.")
    built, errors = measurements_validate(items=items, by=by, source=source)
    if any(errors):
        raise BulkValidationError(errors)
    result = UpsertResult()
    if not built:
        return result
    existing = {
        _key(m): m
        for m in Measurement.objects.select_for_update().filter(
            vendor_id__in={m.vendor_id for m in built},
            kpi_id__in={m.kpi_id for m in built},
            period_start__gte=min(m.period_start for m in built),
            period_start__lte=max(m.period_start for m in built),
        )
    }
    to_create, to_update = [], []
    for measurement in built:
        current = existing.get(_key(measurement))
        if current is None:
            to_create.append(measurement)
            continue
        for name in (*MEASUREMENT_FIELDS, "source", "entered_by"):
            setattr(current, name, getattr(measurement, name))
        current.updated_at = timezone.now()
        to_update.append(current)
    try:
        if to_create:
            bulk_create_with_history(to_create, Measurement, batch_size=1000, default_user=by)
        if to_update:
            bulk_update_with_history(
                to_update,
                Measurement,
                [*MEASUREMENT_FIELDS, "source", "entered_by", "updated_at"],
                batch_size=1000,
                default_user=by,
            )
    except IntegrityError:
        # Another request inserted the same period in between: ask the caller to retry.
        raise BulkValidationError(
            [{"non_field_errors": ["Changed meanwhile by someone else; send again."]}]
        ) from None
    result.created, result.updated = len(to_create), len(to_update)
    result.measurements = to_create + to_update
    return result


@transaction.atomic
def measurement_save(*, measurement: Measurement, by: User) -> Measurement:
    """Save one measurement from the entry form (same rules as imports)."""
    if not by.is_manager:
        raise PermissionDenied("Only vendor managers record measurements.")
    measurement.entered_by = by
    measurement.full_clean()
    measurement._history_user = by  # type: ignore[attr-defined]
    measurement.save()
    return measurement


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


# --- Publishing and appeals -------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


@transaction.atomic
def scorecard_publish(
    *, vendor: Vendor, period_kind: str, period_start: date, by: User, now: datetime | None = None
) -> PublishedScorecard:
    """Freeze a closed period's scorecard (values, targets, weights, credits) as published.

    The snapshot is JSON, so later measurement or target edits never change it.
    """
    if not by.is_manager:
        raise PermissionDenied("Only vendor managers publish scorecards.")
    now = _now(now)
    if period_kind not in PeriodKind.values:
        raise ValidationError({"period": "Unknown period kind."})
    _start, end = period_bounds(period_kind, period_start)
    if end >= timezone.localdate(now):
        raise ValidationError({"period": "Only a closed period can be published."})
    label = period_label(period_kind, period_start)
    if PublishedScorecard.objects.filter(
        vendor=vendor, period_kind=period_kind, period_start=period_start
    ).exists():
        raise ValidationError({"period": f"{label} is already published for {vendor}."})
    card = scorecard_for(vendor.pk, period_kind, period_start)
    if card.overall_score is None:
        raise ValidationError({"period": f"{label} has no scored KPI data to publish."})
    published = PublishedScorecard(
        vendor=vendor,
        period_kind=period_kind,
        period_start=period_start,
        overall_score=round(card.overall_score, 1),
        standing=card.standing,
        snapshot=card.as_dict(vendor.slug),
        published_at=now,
        published_by=by,
    )
    published._history_user = by  # type: ignore[attr-defined]
    published.save()
    url = published.get_absolute_url()
    notify(
        recipients=vendor.partner_users.filter(is_active=True),
        kind="scorecard_published",
        message=f"{vendor} scorecard {label} published: {published.overall_score:.1f}.",
        url=url,
        vendor=vendor,
    )
    return published


def _require_vendor_partner(user: User, scorecard: PublishedScorecard) -> None:
    if not (user.is_partner and user.vendor_id == scorecard.vendor_id):
        raise PermissionDenied("Only the vendor's own staff acknowledge or appeal its scorecard.")


@transaction.atomic
def scorecard_acknowledge(
    *, scorecard: PublishedScorecard, by: User, now: datetime | None = None
) -> PublishedScorecard:
    """The vendor accepts the published scorecard as it stands."""
    _require_vendor_partner(by, scorecard)
    scorecard = PublishedScorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard.status != ScorecardStatus.PUBLISHED:
        raise ValidationError(
            {"status": f"This scorecard is already {scorecard.get_status_display().lower()}."}
        )
    scorecard.status = ScorecardStatus.ACKNOWLEDGED
    scorecard.acknowledged_at = _now(now)
    scorecard.acknowledged_by = by
    scorecard._history_user = by  # type: ignore[attr-defined]
    scorecard.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _tell_client(scorecard, f"{by.vendor} acknowledged its {scorecard.period} scorecard.")
    return scorecard


def _tell_client(scorecard: PublishedScorecard, message: str) -> None:
    recipients = [u for u in (scorecard.published_by, scorecard.vendor.relationship_owner) if u]
    notify(
        recipients=recipients,
        kind="scorecard_response",
        message=message,
        url=scorecard.get_absolute_url(),
        vendor=scorecard.vendor,
    )


@transaction.atomic
def scorecard_appeal(
    *,
    scorecard: PublishedScorecard,
    kpi_code: str,
    reason: str,
    by: User,
    now: datetime | None = None,
) -> Appeal:
    """The vendor contests one KPI line: record it and open an underperformance dispute.

    The dispute (created through the disputes app's own service, so its clocks,
    reference and notifications apply) is linked to the KPI and the period.
    """
    from disputes.models import DisputeType, Severity
    from disputes.services import dispute_create

    _require_vendor_partner(by, scorecard)
    now = _now(now)
    scorecard = PublishedScorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard.status == ScorecardStatus.ACKNOWLEDGED:
        raise ValidationError({"kpi": "An acknowledged scorecard can no longer be appealed."})
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "Explain the appeal in at least a sentence."})
    line = next((x for x in scorecard.snapshot.get("kpis", []) if x["kpi"] == kpi_code), None)
    kpi = KPI.objects.filter(code=kpi_code).first()
    if line is None or kpi is None:
        raise ValidationError({"kpi": "This KPI is not on the published scorecard."})
    if Appeal.objects.filter(scorecard=scorecard, kpi=kpi).exists():
        raise ValidationError({"kpi": "This line has already been appealed."})
    start, end = period_bounds(scorecard.period_kind, scorecard.period_start)
    unit = kpi.unit_symbol
    description = (
        f"Appeal of the published {scorecard.period} scorecard, KPI “{kpi.name}”: "
        f"actual {line['actual']}{unit}, target {line['target']}{unit}, "
        f"red line {line['threshold']}{unit}, RAG {line['rag']}.\n\n{reason}"
    )
    dispute = dispute_create(
        by=by,
        vendor=scorecard.vendor,
        type=DisputeType.UNDERPERFORMANCE,
        severity=Severity.HIGH if line["rag"] == "red" else Severity.MEDIUM,
        title=f"Scorecard appeal: {kpi.name} {scorecard.period}",
        description=description,
        now=now,
        kpi=kpi,
        kpi_period_start=start,
        kpi_period_end=end,
    )
    appeal = Appeal(
        vendor=scorecard.vendor,
        scorecard=scorecard,
        kpi=kpi,
        reason=reason,
        raised_by=by,
        created_at=now,
        dispute=dispute,
    )
    appeal._history_user = by  # type: ignore[attr-defined]
    appeal.save()
    scorecard.status = ScorecardStatus.APPEALED
    scorecard._history_user = by  # type: ignore[attr-defined]
    scorecard.save(update_fields=["status"])
    _tell_client(
        scorecard, f"{by.vendor} appealed “{kpi.name}” on its {scorecard.period} scorecard."
    )
    return appeal


def appeal_url(appeal: Appeal) -> str:
    dispute = appeal.dispute
    return (
        dispute.get_absolute_url()
        if dispute
        else reverse("scorecards:published_detail", kwargs={"pk": appeal.scorecard_id})
    )
