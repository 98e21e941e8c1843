"""Period maths in two steps: SUMS from the database, then pure Python (DESIGN-R2 B).

1. ``monthly_sums(vendor_ids, first_month, last_month)`` reads raw measurement rows
   in ONE ``GROUP BY`` query and answers, per (vendor, KPI, month, granularity,
   supplier), only additive figures (``Sums``): row counts, Σvalue, Σvalue×volume,
   Σvolume, Σnumerator, Σdenominator and Σ of each raw count column (plus the lowest
   and highest threshold the counts were measured at). It is the only reader of raw
   rows for month and quarter scorecards: issue 14 will swap its source for a monthly
   rollup table with exactly these columns (``SUM_COLUMNS``).
2. Pure Python: per (vendor, KPI, month, supplier) keep the finest granularity
   reported IN THAT MONTH (``finest``), add months up (a quarter is its three months'
   sums, whatever granularity each month came in), then compute the KPI's value from
   the combined sums (``value_of``).

Why sums: a period's value must be the value of its counts. Service level is
Σ answered-in-threshold ÷ Σ (answered + abandoned − short), not the mean of daily
percentages; a July reported as one monthly figure and an August reported daily still
make one honest quarter.

The sums keep rows *with* raw counts apart from rows *without* (typed in as value
and volume): the legacy figures (Σvalue …) cover rows without counts only, the count
sums rows with counts only, and ``value_of`` joins both into one fraction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, F, FloatField, Max, Min, Q, Sum
from django.db.models.functions import Cast, TruncMonth

from contracts.service_level import DEFAULT_DEFINITION, ServiceLevelDefinition

from .formulas import SUMMED_COUNT_FIELDS, fraction_from_counts, is_count_derived
from .models import KPI, Aggregation, Granularity, Measurement, SuppliedBy, month_end

if TYPE_CHECKING:
    from collections.abc import Iterable

GRANULARITY_ORDER = [Granularity.DAY, Granularity.WEEK, Granularity.MONTH]

#: A row carries raw counts when one of the counts every count-derived KPI requires is
#: there (``Measurement.clean`` makes a counted row carry all its required counts).
COUNTED = Q(answered__isnull=False) | Q(handled__isnull=False) | Q(handle_seconds__isnull=False)
LEGACY = ~COUNTED


@dataclass
class Sums:
    """Additive figures of a set of measurement rows; ``a + b`` is their union's.

    ``value_sum`` … ``denominator_sum`` cover rows WITHOUT raw counts; the count fields
    (``offered`` …) cover rows WITH them. ``threshold_min``/``max`` are the lowest and
    highest threshold the counted rows were measured at (``None``: never stated).
    """

    n: int = 0
    n_counted: int = 0
    value_sum: float = 0.0
    value_volume_sum: float = 0.0
    volume_sum: float = 0.0
    numerator_sum: float = 0.0
    denominator_sum: float = 0.0
    offered: float = 0.0
    answered: float = 0.0
    answered_in_threshold: float = 0.0
    abandoned: float = 0.0
    short_abandoned: float = 0.0
    handled: float = 0.0
    handle_seconds: float = 0.0
    answer_wait_seconds: float = 0.0
    threshold_min: int | None = None
    threshold_max: int | None = None

    def __add__(self, other: Sums) -> Sums:
        added = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in fields(self)
            if f.name not in ("threshold_min", "threshold_max")
        }
        mins = [t for t in (self.threshold_min, other.threshold_min) if t is not None]
        maxes = [t for t in (self.threshold_max, other.threshold_max) if t is not None]
        return Sums(
            **added,
            threshold_min=min(mins) if mins else None,
            threshold_max=max(maxes) if maxes else None,
        )

    @property
    def n_legacy(self) -> int:
        return self.n - self.n_counted

    @property
    def counts(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in SUMMED_COUNT_FIELDS}

    def thresholds_other_than(self, seconds: int) -> list[int]:
        """Thresholds the counts were measured at that differ from ``seconds``."""
        found = {t for t in (self.threshold_min, self.threshold_max) if t is not None}
        return sorted(t for t in found if t != seconds)


#: The columns of one ``monthly_sums`` row besides its key (issue 14's rollup table).
SUM_COLUMNS = tuple(f.name for f in fields(Sums))


def _aggregates() -> dict[str, Any]:
    volume = Cast("volume", FloatField())
    aggregates: dict[str, Any] = {
        "n": Count("id"),
        "n_counted": Count("id", filter=COUNTED),
        "value_sum": Sum("value", filter=LEGACY),
        "value_volume_sum": Sum(F("value") * volume, filter=LEGACY),
        "volume_sum": Sum(volume, filter=LEGACY & Q(value__isnull=False)),
        "numerator_sum": Sum("numerator", filter=LEGACY),
        "denominator_sum": Sum("denominator", filter=LEGACY),
        "threshold_min": Min("threshold_seconds", filter=COUNTED),
        "threshold_max": Max("threshold_seconds", filter=COUNTED),
    }
    for name in SUMMED_COUNT_FIELDS:
        # Aliased: an annotation named like the column would shadow it in the filters.
        aggregates[f"sum_{name}"] = Sum(Cast(name, FloatField()), filter=COUNTED)
    return aggregates


def _sums(row: dict[str, Any]) -> Sums:
    values = {}
    for name in SUM_COLUMNS:
        raw = row.get(f"sum_{name}" if name in SUMMED_COUNT_FIELDS else name)
        if name in ("threshold_min", "threshold_max"):
            values[name] = raw
        elif name in ("n", "n_counted"):
            values[name] = int(raw or 0)
        else:
            values[name] = float(raw or 0)
    return Sums(**values)


@dataclass(frozen=True)
class MonthKey:
    vendor_id: int
    kpi_id: int
    month: date
    granularity: str
    supplier: str


def _grouped(queryset) -> dict[MonthKey, Sums]:
    rows = (
        queryset.annotate(month=TruncMonth("period_start"))
        .values("vendor_id", "kpi_id", "month", "granularity", "supplied_by")
        .annotate(**_aggregates())
        .order_by()
    )
    result: dict[MonthKey, Sums] = {}
    for row in rows:
        month = row["month"]
        if hasattr(month, "date"):
            month = month.date()
        key = MonthKey(
            row["vendor_id"], row["kpi_id"], month, row["granularity"], row["supplied_by"]
        )
        result[key] = _sums(row)
    return result


def monthly_sums(
    vendor_ids: Iterable[int], first_month: date, last_month: date
) -> dict[MonthKey, Sums]:
    """Sums per (vendor, KPI, month, granularity, supplier) for the months
    ``first_month`` … ``last_month`` (first days of months), in one query.

    A weekly row belongs to the month its Monday falls in.
    """
    queryset = Measurement.objects.filter(
        vendor_id__in=list(vendor_ids),
        period_start__gte=first_month.replace(day=1),
        period_start__lte=month_end(last_month),
    )
    return _grouped(queryset)


def finest(sums: dict[MonthKey, Sums]) -> dict[tuple[int, int, date, str], Sums]:
    """Per (vendor, KPI, month, supplier), the sums of the finest granularity reported in
    that month: a monthly total is not double-counted with the same month's days."""
    best: dict[tuple[int, int, date, str], tuple[int, Sums]] = {}
    for key, value in sums.items():
        rank = GRANULARITY_ORDER.index(key.granularity)
        short = (key.vendor_id, key.kpi_id, key.month, key.supplier)
        if short not in best or rank < best[short][0]:
            best[short] = (rank, value)
    return {key: value for key, (_rank, value) in best.items()}


def combine(parts: Iterable[Sums]) -> Sums:
    """Several months (or granularities) added up into one period's sums."""
    total = Sums()
    for part in parts:
        total = total + part
    return total


def by_supplier(
    chosen: dict[tuple[int, int, date, str], Sums], months: list[date]
) -> dict[tuple[int, int], dict[str, Sums]]:
    """{(vendor, KPI): {supplier: sums of ``months`` combined}}."""
    combined: dict[tuple[int, int], dict[str, Sums]] = defaultdict(dict)
    wanted = set(months)
    for (vendor_id, kpi_id, month, supplier), value in chosen.items():
        if month not in wanted:
            continue
        slot = combined[(vendor_id, kpi_id)]
        slot[supplier] = slot[supplier] + value if supplier in slot else value
    return combined


def value_of(
    kpi: KPI, sums: Sums | None, definition: ServiceLevelDefinition = DEFAULT_DEFINITION
) -> float | None:
    """The KPI's value for a period from its combined sums; ``None`` is "no data".

    Rows with raw counts and rows typed in as value/volume join into one fraction: a
    count-derived ratio adds the typed rows' Σnumerator/Σdenominator, a weighted mean
    their Σvalue×volume/Σvolume, a sum their Σvalue.
    """
    if sums is None or sums.n == 0:
        return None
    if is_count_derived(kpi.code) and sums.n_counted:
        parts = fraction_from_counts(kpi.code, sums.counts, definition)
        if parts is None:
            return None
        numerator, denominator, scale = parts
        if denominator is None:  # a total (contacts handled, handle minutes)
            return numerator * scale + (sums.value_sum if sums.n_legacy else 0.0)
        if sums.n_legacy:
            if kpi.is_ratio:
                numerator += sums.numerator_sum
                denominator += sums.denominator_sum
            else:
                numerator += sums.value_volume_sum
                denominator += sums.volume_sum
        return numerator / denominator * scale if denominator else None
    if kpi.aggregation == Aggregation.RATIO:
        if not sums.denominator_sum:
            return None
        return sums.numerator_sum / sums.denominator_sum * kpi.scale
    if kpi.aggregation == Aggregation.WEIGHTED_MEAN:
        return sums.value_volume_sum / sums.volume_sum if sums.volume_sum else None
    if kpi.aggregation == Aggregation.SUM:
        return sums.value_sum
    return sums.value_sum / sums.n_legacy if sums.n_legacy else None


def preferred_supplier() -> str:
    return getattr(settings, "SCORECARD_PREFERRED_SUPPLIER", SuppliedBy.CLIENT)


def pick_supplier(values: dict[str, Any], supplier: str | None = None) -> tuple[str | None, Any]:
    """The supplier whose figures count and its figures: ``supplier`` if given, else the
    preferred one (``SCORECARD_PREFERRED_SUPPLIER``, client by default), else the other."""
    if supplier is not None:
        return (supplier, values[supplier]) if supplier in values else (None, None)
    preferred = preferred_supplier()
    other = SuppliedBy.VENDOR if preferred == SuppliedBy.CLIENT else SuppliedBy.CLIENT
    for name in (preferred, other):
        if name in values:
            return name, values[name]
    return None, None


# --- A custom range (action-plan re-measurement) ----------------------------------


def range_sums(*, vendor_id: int, kpi_id: int, start: date, end: date) -> dict[str, Sums]:
    """{supplier: sums} of ``[start, end]`` (inclusive), exact from daily rows; a weekly
    or monthly row counts only when it lies wholly inside the range. Per month of the
    range the finest granularity present wins, as for scorecards."""
    week_fits = Q(granularity=Granularity.WEEK, period_start__lte=_days_before(end, 6))
    queryset = Measurement.objects.filter(
        vendor_id=vendor_id, kpi_id=kpi_id, period_start__gte=start, period_start__lte=end
    ).filter(
        Q(granularity=Granularity.DAY)
        | week_fits
        | Q(granularity=Granularity.MONTH, period_start__day=1)
    )
    grouped = {
        key: value
        for key, value in _grouped(queryset).items()
        if key.granularity != Granularity.MONTH or month_end(key.month) <= end
    }
    chosen = finest(grouped)
    totals: dict[str, Sums] = {}
    for (_vendor, _kpi, _month, supplier), value in chosen.items():
        totals[supplier] = totals[supplier] + value if supplier in totals else value
    return totals


def _days_before(day: date, days: int) -> date:
    from datetime import timedelta

    return day - timedelta(days=days)
