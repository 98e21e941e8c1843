"""Targets and measurements: one entry, bulk upserts (API), all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from vendorhub.concurrency import Conflict, PreconditionRequired, require_version, versioned_update
from vendorhub.models import User, Vendor

from ..definitions import DefinitionResolver, vendor_definition
from ..formulas import CONTACT_COUNT_FIELDS, COUNT_FIELDS
from ..models import (
    KPI,
    Granularity,
    Measurement,
    Source,
    SuppliedBy,
    Target,
)

if TYPE_CHECKING:
    from collections.abc import Iterable


MEASUREMENT_FIELDS = ("value", "volume", "numerator", "denominator")
#: Count columns that hold whole numbers (contacts, and the threshold in seconds).
WHOLE_COUNT_FIELDS = (*CONTACT_COUNT_FIELDS, "threshold_seconds")


class BulkValidationError(Exception):
    """Some items were invalid; nothing was saved. ``errors`` is per item (``{}`` if ok)."""

    def __init__(self, errors: list[dict[str, list[str]]]):
        super().__init__("Some items are invalid; nothing was saved.")
        self.errors = errors


class UnversionedItems(PreconditionRequired):
    """Items that would change an existing measurement did not name its version (428).
    ``errors`` is per item, aligned with the request; nothing was saved."""

    def __init__(self, errors: list[dict[str, list[str]]]):
        super().__init__(
            "An item that changes an existing measurement must name the version it read "
            "(“version”); nothing was saved."
        )
        self.errors = errors


class StaleItems(Conflict):
    """Items named a version someone else has since changed (409); nothing was saved."""

    def __init__(self, errors: list[dict[str, list[str]]]):
        super().__init__(
            "Someone else changed some of these measurements in the meantime; reload them "
            "and send again. Nothing was saved."
        )
        self.errors = errors


# --- Targets ----------------------------------------------------------------------


@transaction.atomic
def kpi_save(*, kpi: KPI, by: User) -> KPI:
    """Create or change a KPI definition (managers only)."""
    if not by.is_manager:
        raise PermissionDenied("Only vendor managers define KPIs.")
    kpi.full_clean()
    kpi._history_user = by  # type: ignore[attr-defined]
    kpi.save()
    return kpi


@transaction.atomic
def target_save(*, target: Target, by: User) -> Target:
    """Create or change a target after its rules (overlap, red line side) are checked."""
    if not by.is_manager:
        raise PermissionDenied("Only vendor managers set targets.")
    target.full_clean()
    target._history_user = by  # type: ignore[attr-defined]
    target.save()
    # The target's contract decides the KPI's service-level definition.
    from .refresh import measurement_values_refresh

    measurement_values_refresh(vendor_ids=[target.vendor_id])
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
    default_supplied_by: str = SuppliedBy.VENDOR,
) -> tuple[Measurement | None, dict[str, list[str]]]:
    """Turn one incoming item (API JSON or CSV row) into an unsaved row, not yet cleaned
    (``measurements_clean`` does that once the contracts' definitions are known).

    ``vendors`` holds only the vendors the caller may see, so an unknown or foreign
    vendor gets the same answer ("unknown vendor"). Counts (``offered``, ``answered`` …)
    may be given instead of a value for the count-derived KPIs.
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
    supplied_by = str(item.get("supplied_by") or default_supplied_by).strip()
    if supplied_by not in SuppliedBy.values:
        errors["supplied_by"] = [f"Use one of: {', '.join(SuppliedBy.values)}."]
    elif by is not None and by.is_partner and supplied_by != SuppliedBy.VENDOR:
        errors["supplied_by"] = [
            "A vendor submits vendor-reported data only; client-measured data is the client's."
        ]
    numbers = {
        name: _number(item.get(name), name, errors, integer=name == "volume")
        for name in MEASUREMENT_FIELDS
    }
    counts = {
        name: _number(item.get(name), name, errors, integer=name in WHOLE_COUNT_FIELDS)
        for name in COUNT_FIELDS
    }
    for name in ("handle_seconds", "answer_wait_seconds"):
        if counts[name] is not None and counts[name] < 0:
            errors[name] = ["A duration cannot be negative."]
    has_counts = any(v is not None for v in counts.values())
    if numbers["value"] is None and "value" not in errors and not has_counts:
        has_fraction = numbers["numerator"] is not None and numbers["denominator"] is not None
        if not (kpi is not None and kpi.is_ratio and has_fraction):
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
        value=numbers["value"],
        volume=numbers["volume"],
        numerator=numbers["numerator"],
        denominator=numbers["denominator"],
        **counts,
    )
    return measurement, {}


def measurements_clean(built: list[Measurement | None], errors: list[dict[str, list[str]]]) -> None:
    """Validate every built row in place (``errors`` aligned with ``built``).

    Each counted row's stored value is derived with the service-level definition of
    its vendor, KPI and day, all resolved from two queries. Foreign keys are not
    re-checked row by row (the vendors and KPIs were looked up in bulk), so a
    10,000-row import costs a handful of queries, not 20,000.
    """
    rows = [m for m in built if m is not None]
    if not rows:
        return
    resolve = DefinitionResolver(
        {m.vendor_id for m in rows},
        min(m.period_start for m in rows),
        max(m.period_end for m in rows),
    )
    for index, measurement in enumerate(built):
        if measurement is None:
            continue
        measurement.definition = resolve(
            measurement.vendor_id, measurement.kpi_id, measurement.period_end
        )
        try:
            measurement.full_clean(
                exclude=["vendor", "kpi", "entered_by"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            built[index] = None
            errors[index] = {k: list(v) for k, v in exc.message_dict.items()}


def _key(m: Measurement) -> tuple[int, int, date, str, str]:
    return (m.vendor_id, m.kpi_id, m.period_start, m.granularity, m.supplied_by)


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    measurements: list[Measurement] = field(default_factory=list)


def measurements_validate(
    *,
    items: Iterable[dict[str, Any]],
    by: User,
    source: str,
    vendors: dict[str, Vendor] | None = None,
    default_supplied_by: str = SuppliedBy.VENDOR,
) -> tuple[list[Measurement], list[dict[str, list[str]]]]:
    """Validate every item; the lists are aligned with ``items`` (errors ``{}`` if ok).

    ``vendors`` (slug → vendor) narrows the vendors the items may name; by default,
    every vendor ``by`` may see.
    """
    if vendors is None:
        vendors = {v.slug: v for v in Vendor.objects.visible_to(by)}
    kpis = {k.code: k for k in KPI.objects.filter(is_active=True)}
    built: list[Measurement] = []
    errors: list[dict[str, list[str]]] = []
    for item in items:
        if not isinstance(item, dict):
            built.append(None)  # type: ignore[arg-type]
            errors.append({"non_field_errors": ["Each item must be an object."]})
            continue
        measurement, item_errors = measurement_build(
            item=item,
            vendors=vendors,
            kpis=kpis,
            source=source,
            by=by,
            default_supplied_by=default_supplied_by,
        )
        built.append(measurement)  # type: ignore[arg-type]
        errors.append(item_errors)
    measurements_clean(built, errors)
    _flag_duplicates(built, errors)
    return built, errors


def _flag_duplicates(built: list[Measurement | None], errors: list[dict]) -> None:
    seen: dict[tuple, int] = {}
    for index, measurement in enumerate(built):
        if measurement is None:
            continue
        key = _key(measurement)
        if key in seen:
            errors[index] = {
                "period_start": [f"Duplicates item {seen[key] + 1} (same vendor, KPI, period)."]
            }
        seen.setdefault(key, index)


def _versions(items: list[Any]) -> tuple[list[int | None], list[dict[str, list[str]]]]:
    """Each item's ``version`` (``None`` when absent) and per-item errors for bad ones."""
    versions: list[int | None] = []
    errors: list[dict[str, list[str]]] = []
    for item in items:
        raw = item.get("version") if isinstance(item, dict) else None
        if raw in (None, ""):
            versions.append(None)
            errors.append({})
        elif isinstance(raw, int) and not isinstance(raw, bool) and raw >= 1:
            versions.append(raw)
            errors.append({})
        else:
            versions.append(None)
            errors.append({"version": ["A whole number: the version you read."]})
    return versions, errors


def _check_versions(
    built: list[Measurement], versions: list[int | None], existing: dict[tuple, Measurement]
) -> None:
    """Every item that changes an existing row names that row's current version."""
    missing: list[dict[str, list[str]]] = []
    stale: list[dict[str, list[str]]] = []
    for measurement, version in zip(built, versions, strict=True):
        current = existing.get(_key(measurement))
        missing.append({})
        stale.append({})
        if current is None:
            continue
        if version is None:
            missing[-1] = {
                "version": [f"Required: this measurement exists (version {current.version})."]
            }
        elif version != current.version:
            stale[-1] = {
                "version": [f"Stale: you read version {version}, it is now {current.version}."]
            }
    if any(missing):
        raise UnversionedItems(missing)
    if any(stale):
        raise StaleItems(stale)


@transaction.atomic
def measurements_upsert(
    *,
    items: list[dict[str, Any]],
    by: User,
    source: str = Source.API,
    require_versions: bool = False,
) -> UpsertResult:
    """Insert or update many measurements, all or nothing.

    Every item is validated first; if any is invalid nothing is written and
    ``BulkValidationError`` carries the per-item field errors. A row is identified by
    (vendor, KPI, period start, granularity, supplier).

    With ``require_versions`` (the API), an item that would change an existing row must
    name the ``version`` it read: ``UnversionedItems`` (428) without it, ``StaleItems``
    (409) when someone changed the row since; the rows are locked while checked, so of
    two writers of the same version only one wins. A CSV import (the page, after its
    preview) replaces values by design and names no versions.
    """
    _require_may_submit(by)
    built, errors = measurements_validate(items=items, by=by, source=source)
    versions, version_errors = _versions(items) if require_versions else ([], [])
    if version_errors:
        errors = [{**e, **v} for e, v in zip(errors, version_errors, strict=True)]
    if any(errors):
        raise BulkValidationError(errors)
    return measurements_write(built=built, by=by, versions=versions if require_versions else None)


#: What an upsert replaces on an existing row: its figures, counts and provenance.
WRITTEN_FIELDS = (*MEASUREMENT_FIELDS, *COUNT_FIELDS, "source", "entered_by")


@transaction.atomic
def measurements_write(
    *,
    built: list[Measurement],
    by: User | None,
    versions: list[int | None] | None = None,
    dry_run: bool = False,
) -> UpsertResult:
    """Upsert validated rows (no permission check: the callers make it).

    Rows are matched on (vendor, KPI, period start, granularity, supplier), so a
    re-import updates instead of duplicating and a vendor-reported row can never
    replace a client-measured one. ``versions`` (aligned with ``built``) makes every
    change of an existing row name the version it read. ``dry_run`` counts what would
    be created and updated and writes nothing.
    """
    result = UpsertResult()
    if not built:
        return result
    lookup = Measurement.objects.filter(
        vendor_id__in={m.vendor_id for m in built},
        kpi_id__in={m.kpi_id for m in built},
        period_start__gte=min(m.period_start for m in built),
        period_start__lte=max(m.period_start for m in built),
    )
    if not dry_run:
        lookup = lookup.select_for_update()
    existing = {_key(m): m for m in lookup}
    if versions is not None:
        _check_versions(built, versions, existing)
    to_create, to_update = [], []
    now = timezone.now()
    for measurement in built:
        current = existing.get(_key(measurement))
        if current is None:
            to_create.append(measurement)
            continue
        for name in WRITTEN_FIELDS:
            setattr(current, name, getattr(measurement, name))
        current.updated_at = now
        current.version += 1
        to_update.append(current)
    result.created, result.updated = len(to_create), len(to_update)
    result.measurements = to_create + to_update
    if dry_run:
        return result
    try:
        with transaction.atomic():
            if to_create:
                bulk_create_with_history(to_create, Measurement, batch_size=1000, default_user=by)
            if to_update:
                bulk_update_with_history(
                    to_update,
                    Measurement,
                    [*WRITTEN_FIELDS, "updated_at", "version"],
                    batch_size=1000,
                    default_user=by,
                )
    except IntegrityError:
        # Another request inserted the same period in between: ask the caller to retry.
        raise BulkValidationError(
            [{"non_field_errors": ["Changed meanwhile by someone else; send again."]}]
        ) from None
    return result


#: What an edit may change: the figures and the counts, never the row's identity.
EDITABLE_FIELDS = (*MEASUREMENT_FIELDS, *COUNT_FIELDS)


def _with_definition(measurement: Measurement) -> Measurement:
    """Set the service-level definition the row's stored value is derived with."""
    measurement.definition = vendor_definition(
        vendor_id=measurement.vendor_id,
        kpi_id=measurement.kpi_id,
        start=measurement.period_start,
        end=measurement.period_end,
    )
    return measurement


@transaction.atomic
def measurement_update(
    *,
    measurement: Measurement,
    by: User,
    changes: dict[str, Any],
    expected_version: int,
    dry_run: bool = False,
) -> Measurement:
    """Change one measurement's figures, only if nobody changed it since
    ``expected_version`` (else ``Conflict``, 409). Validated as a whole first.

    What the user gives wins over what it replaces: new counts replace the old value
    (which is derived again), a new value without counts drops the old counts. A value
    given *with* counts must agree with them, or nothing is saved. ``dry_run`` answers
    the row as it would be stored, unsaved (the page's "what will be stored").
    """
    _require_may_submit(by)
    _require_may_write_row(measurement, by)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    require_version(current=measurement.version, expected=expected_version)
    # Only what differs from the stored row is what the user gave (a form sends every
    # field, including the derived ones as they were).
    given = {name for name, value in changes.items() if getattr(measurement, name) != value}
    gives_counts = bool(given & set(COUNT_FIELDS))
    gives_fraction = bool({"numerator", "denominator"} & given)
    if {"value", "volume"} & given and not gives_fraction and not gives_counts:
        # A new value (or volume) without counts: the counts follow it, not the reverse.
        measurement.numerator = measurement.denominator = None
        for name in COUNT_FIELDS:
            setattr(measurement, name, None)
        given -= set(COUNT_FIELDS) | {"numerator", "denominator"}
    for name in given:
        setattr(measurement, name, changes[name])
    if measurement.has_counts:
        # Numerator, denominator and volume of a counted row are derived from its counts.
        measurement.numerator = measurement.denominator = None
        if "volume" not in given:
            measurement.volume = None
    if (gives_counts or gives_fraction) and "value" not in given:
        measurement.value = None  # derived again from what was given
    measurement.entered_by = by
    _with_definition(measurement).full_clean()
    if dry_run:
        return measurement
    measurement._history_user = by  # type: ignore[attr-defined]
    return versioned_update(
        measurement,
        expected_version=expected_version,
        **{name: getattr(measurement, name) for name in EDITABLE_FIELDS},
        entered_by=by,
    )


@transaction.atomic
def measurement_delete(*, measurement: Measurement, by: User, expected_version: int) -> None:
    """Delete one measurement the user may change, if nobody changed it since
    ``expected_version``. Its history stays (the deletion is recorded with its author);
    a published scorecard keeps its frozen figures."""
    _require_may_submit(by)
    _require_may_write_row(measurement, by)
    require_version(current=measurement.version, expected=expected_version)
    locked = Measurement.objects.select_for_update().filter(pk=measurement.pk).first()
    if locked is None or locked.version != expected_version:
        raise Conflict(current_version=getattr(locked, "version", expected_version))
    locked._history_user = by  # type: ignore[attr-defined]
    locked.delete()


def _require_may_submit(by: User) -> None:
    """Managers record any vendor's data; a partner submits its own vendor's, always
    vendor-reported (checked per row: its vendor scope and ``supplied_by``)."""
    if not (by.is_manager or by.is_partner):
        raise PermissionDenied("Only managers and the vendor's partners record measurements.")


def measurement_may_change(measurement: Measurement, user: User) -> bool:
    """Managers change any row; a partner its own vendor's vendor-reported rows."""
    try:
        _require_may_write_row(measurement, user)
    except PermissionDenied:
        return False
    return True


def _require_may_write_row(measurement: Measurement, by: User) -> None:
    """A partner writes only vendor-reported rows of its own vendor: client-measured
    data is never overwritten from the vendor's side."""
    if by.is_manager:
        return
    if not (
        by.is_active
        and by.is_partner
        and by.vendor_id == measurement.vendor_id
        and measurement.supplied_by == SuppliedBy.VENDOR
    ):
        raise PermissionDenied(
            "A vendor submits and changes its own vendor-reported data only; "
            "client-measured data is the client's."
        )


@transaction.atomic
def measurement_save(*, measurement: Measurement, by: User, dry_run: bool = False) -> Measurement:
    """Save one new measurement from the entry form (same rules as imports).

    ``dry_run`` answers the row as it would be stored (value derived from the counts
    with the contract's definition), unsaved: the form shows it before saving.
    """
    _require_may_submit(by)
    _require_may_write_row(measurement, by)
    measurement.entered_by = by
    if measurement.vendor_id and measurement.kpi_id and measurement.period_start:
        _with_definition(measurement)
    measurement.full_clean()
    if dry_run:
        return measurement
    measurement._history_user = by  # type: ignore[attr-defined]
    measurement.save()
    return measurement
