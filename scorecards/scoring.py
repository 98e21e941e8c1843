"""Scorecard maths, done as a contact centre would and computed in the database.

A period's value per (vendor, KPI) is one aggregate query grouped by vendor, KPI,
period bucket, granularity and supplier:

- ratio KPIs: ``Sum(numerator) / Sum(denominator)`` (service level = answered within
  threshold ÷ offered, never the mean of daily percentages);
- volume-weighted KPIs: ``Sum(value × volume) / Sum(volume)``;
- mean / sum KPIs: ``Avg(value)`` / ``Sum(value)``.

Python then only picks among those few aggregated rows (the finest granularity
present, the preferred supplier) and scores them. "No data" is ``None``, never 0 or
100, and is left out of the overall score (the remaining weights are renormalised).
The number of queries does not depend on the number of vendors or measurements.

Settings (all optional):

- ``SCORECARD_BANDS``: list of (lower bound, name), lowest first; default
  ``[(0, "critical"), (30, "poor"), (50, "good"), (80, "excellent")]``. The first band
  flags the vendor for probation.
- ``SCORECARD_PREFERRED_SUPPLIER``: ``"client"`` (default) or ``"vendor"``: whose value
  is scored when both sides supplied one for a period.
- ``SCORECARD_GAP_TOLERANCE_PERCENT``: default 5; a vendor-reported value further than
  this (relative %) from the client-measured one is flagged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, Q, Sum, Value
from django.db.models.functions import Cast, NullIf, TruncMonth, TruncQuarter

from .models import (
    KPI,
    Aggregation,
    Granularity,
    Measurement,
    PeriodKind,
    SuppliedBy,
    Target,
    period_bounds,
    period_label,
    previous_periods,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

DEFAULT_BANDS: list[tuple[float, str]] = [
    (0, "critical"),
    (30, "poor"),
    (50, "good"),
    (80, "excellent"),
]
GRANULARITY_ORDER = [Granularity.DAY, Granularity.WEEK, Granularity.MONTH]


def bands() -> list[tuple[float, str]]:
    return sorted(getattr(settings, "SCORECARD_BANDS", DEFAULT_BANDS))


def standing_for(score: float | None) -> str:
    """The band ``score`` falls in: a bound belongs to the band it starts (30 → poor)."""
    if score is None:
        return "no_data"
    name = bands()[0][1]
    for lower, band in bands():
        if score >= lower:
            name = band
    return name


def probation_band() -> str:
    return bands()[0][1]


# --- One KPI line -----------------------------------------------------------------


@dataclass
class Line:
    """One KPI row of a scorecard."""

    kpi: KPI
    actual: float | None = None
    vendor_value: float | None = None
    client_value: float | None = None
    gap_flag: bool = False
    target: float | None = None
    threshold: float | None = None
    weight: int | None = None
    target_id: int | None = None
    attainment: float | None = None
    score: float | None = None
    points: float | None = None
    rag: str = "none"  # green / amber / red / none (no data or no target)
    credit: Decimal | None = None

    @property
    def scored(self) -> bool:
        return self.score is not None

    def as_dict(self) -> dict[str, Any]:
        """The public API shape, also what a published snapshot freezes."""
        return {
            "kpi": self.kpi.code,
            "name": self.kpi.name,
            "unit": self.kpi.unit,
            "direction": self.kpi.direction,
            "actual": _round(self.actual, 3),
            "vendor_value": _round(self.vendor_value, 3),
            "client_value": _round(self.client_value, 3),
            "gap_flag": self.gap_flag,
            "target": self.target,
            "threshold": self.threshold,
            "weight": self.weight,
            "attainment": _round(self.attainment, 1),
            "points": _round(self.points, 2),
            "rag": self.rag,
            "credit": str(self.credit) if self.credit is not None else None,
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def score_line(
    kpi: KPI, actual: float | None, target: float, threshold: float
) -> tuple[str, float | None]:
    """RAG and a 0–100 KPI score.

    At or beyond target: green, 100. Between the red line (inclusive) and the target:
    amber, 50 at the red line rising linearly to 100. Worse than the red line: red, 0.
    No data: no RAG and no score.
    """
    if actual is None:
        return "none", None
    if kpi.is_better(actual, target):
        return "green", 100.0
    if kpi.is_better(actual, threshold):
        span = target - threshold
        progress = (actual - threshold) / span if span else 1.0
        return "amber", 50.0 + 50.0 * max(0.0, min(1.0, progress))
    return "red", 0.0


def attainment_for(kpi: KPI, actual: float | None, target: float | None) -> float | None:
    """Actual against target in percent, direction-aware (100 = exactly on target)."""
    if actual is None or target is None or target <= 0:
        return None
    if kpi.direction == "higher":
        return actual / target * 100
    if actual <= 0:
        return None
    return target / actual * 100


# --- The scorecard ----------------------------------------------------------------


@dataclass
class Credit:
    contract_id: int
    reference: str
    currency: str
    at_risk: Decimal
    earned: Decimal
    cap: Decimal | None


@dataclass
class Scorecard:
    vendor_id: int
    period_kind: str
    period_start: date
    lines: list[Line] = field(default_factory=list)
    overall_score: float | None = None
    credits: list[Credit] = field(default_factory=list)
    relationship: dict[str, Any] = field(default_factory=dict)
    trend: list[tuple[str, float | None]] = field(default_factory=list)

    @property
    def period(self) -> str:
        return period_label(self.period_kind, self.period_start)

    @property
    def period_end(self) -> date:
        return period_bounds(self.period_kind, self.period_start)[1]

    @property
    def standing(self) -> str:
        return standing_for(self.overall_score)

    @property
    def probation(self) -> bool:
        return self.overall_score is not None and self.standing == probation_band()

    @property
    def credit_earned(self) -> Decimal:
        return sum((c.earned for c in self.credits), Decimal("0"))

    @property
    def credit_at_risk(self) -> Decimal:
        return sum((c.at_risk for c in self.credits), Decimal("0"))

    @property
    def credit_currency(self) -> str:
        return self.credits[0].currency if self.credits else ""

    def line_for(self, code: str) -> Line | None:
        return next((line for line in self.lines if line.kpi.code == code), None)

    def as_dict(self, vendor_slug: str) -> dict[str, Any]:
        return {
            "vendor": vendor_slug,
            "period": self.period,
            "overall_score": _round(self.overall_score, 1),
            "standing": self.standing,
            "probation": self.probation,
            "kpis": [line.as_dict() for line in self.lines],
            "credits": [
                {
                    "contract": c.reference,
                    "currency": c.currency,
                    "at_risk": str(c.at_risk),
                    "earned": str(c.earned),
                }
                for c in self.credits
            ],
            "relationship": self.relationship,
            "trend": [{"period": p, "overall_score": _round(s, 1)} for p, s in self.trend],
        }


def _aggregated_values(
    vendor_ids: list[int], kind: str, first: date, last: date
) -> dict[tuple[int, int, date], dict[str, float]]:
    """{(vendor, kpi, bucket start): {supplier: value}} in ONE aggregate query.

    The finest granularity present for a (vendor, KPI, bucket, supplier) wins: daily
    values are not double-counted with a monthly total supplied for the same month.
    """
    trunc = TruncQuarter if kind == PeriodKind.QUARTER else TruncMonth
    weighted = Sum(F("value") * Cast("volume", FloatField())) / NullIf(
        Cast(Sum("volume"), FloatField()), Value(0.0)
    )
    ratio = Sum("numerator") / NullIf(Sum("denominator"), Value(0.0))
    rows = (
        Measurement.objects.filter(
            vendor_id__in=vendor_ids, period_start__gte=first, period_start__lte=last
        )
        .annotate(bucket=trunc("period_start"))
        .values("vendor_id", "kpi_id", "bucket", "granularity", "supplied_by")
        .annotate(
            weighted=weighted,
            ratio=ratio,
            mean=Avg("value"),
            total=Sum("value"),
            n=Count("id"),
            with_counts=Count("id", filter=Q(denominator__gt=0)),
        )
        .order_by()
    )
    kpis = {k.pk: k for k in KPI.objects.all()}
    best: dict[tuple[int, int, date, str], tuple[int, float | None]] = {}
    for row in rows:
        kpi = kpis[row["kpi_id"]]
        bucket = row["bucket"]
        if hasattr(bucket, "date"):
            bucket = bucket.date()
        if kpi.aggregation == Aggregation.RATIO:
            value = row["ratio"] * kpi.scale if row["ratio"] is not None else None
        elif kpi.aggregation == Aggregation.WEIGHTED_MEAN:
            value = row["weighted"]
        elif kpi.aggregation == Aggregation.SUM:
            value = row["total"]
        else:
            value = row["mean"]
        rank = GRANULARITY_ORDER.index(row["granularity"])
        key = (row["vendor_id"], row["kpi_id"], bucket, row["supplied_by"])
        if key not in best or rank < best[key][0]:
            best[key] = (rank, value)
    result: dict[tuple[int, int, date], dict[str, float]] = defaultdict(dict)
    for (vendor_id, kpi_id, bucket, supplier), (_rank, value) in best.items():
        if value is not None:
            result[(vendor_id, kpi_id, bucket)][supplier] = value
    return result


def _targets(vendor_ids: list[int], first: date, last: date) -> dict[tuple[int, int], list[Target]]:
    """Every target in force at some point of [first, last], newest first, one query."""
    rows = (
        Target.objects.filter(vendor_id__in=vendor_ids, effective_from__lte=last)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=first))
        .order_by("-effective_from")
    )
    grouped: dict[tuple[int, int], list[Target]] = defaultdict(list)
    for target in rows:
        grouped[(target.vendor_id, target.kpi_id)].append(target)
    return grouped


def _target_in_force(targets: list[Target], day: date) -> Target | None:
    """Past periods use the targets then in force: the one effective on the period's end."""
    for target in targets:
        if target.effective_from <= day and (
            target.effective_to is None or target.effective_to >= day
        ):
            return target
    return None


def _preferred(values: dict[str, float]) -> float | None:
    preferred = getattr(settings, "SCORECARD_PREFERRED_SUPPLIER", SuppliedBy.CLIENT)
    other = SuppliedBy.VENDOR if preferred == SuppliedBy.CLIENT else SuppliedBy.CLIENT
    return values.get(preferred, values.get(other))


def _gap(values: dict[str, float]) -> bool:
    vendor, client = values.get(SuppliedBy.VENDOR), values.get(SuppliedBy.CLIENT)
    if vendor is None or client is None:
        return False
    tolerance = float(getattr(settings, "SCORECARD_GAP_TOLERANCE_PERCENT", 5))
    base = abs(client) or 1.0
    return abs(vendor - client) / base * 100 > tolerance


def _build(
    vendor_id: int,
    kind: str,
    start: date,
    kpis: list[KPI],
    values: dict[tuple[int, int, date], dict[str, float]],
    targets: dict[tuple[int, int], list[Target]],
) -> Scorecard:
    card = Scorecard(vendor_id=vendor_id, period_kind=kind, period_start=start)
    end = card.period_end
    for kpi in kpis:
        supplied = values.get((vendor_id, kpi.pk, start), {})
        target = _target_in_force(targets.get((vendor_id, kpi.pk), []), end)
        if not supplied and target is None:
            continue
        line = Line(
            kpi=kpi,
            actual=_preferred(supplied),
            vendor_value=supplied.get(SuppliedBy.VENDOR),
            client_value=supplied.get(SuppliedBy.CLIENT),
            gap_flag=_gap(supplied),
        )
        if target is not None:
            line.target, line.threshold, line.weight = (
                target.target,
                target.threshold,
                target.weight,
            )
            line.target_id = target.pk
            line.rag, line.score = score_line(kpi, line.actual, target.target, target.threshold)
            line.attainment = attainment_for(kpi, line.actual, target.target)
        card.lines.append(line)
    scored = [line for line in card.lines if line.scored]
    total_weight = sum(line.weight or 0 for line in scored)
    if total_weight:
        for line in scored:
            line.points = line.score * (line.weight or 0) / total_weight
        card.overall_score = sum(line.points or 0 for line in scored)
    return card


def compute_scorecards(
    vendor_ids: Iterable[int],
    kind: str,
    starts: Iterable[date],
    *,
    with_credits: bool = True,
) -> dict[tuple[int, date], Scorecard]:
    """Scorecards for every vendor and period in a constant number of queries."""
    vendor_ids = list(vendor_ids)
    starts = sorted(set(starts))
    if not vendor_ids or not starts:
        return {}
    first = starts[0]
    last = period_bounds(kind, starts[-1])[1]
    kpis = list(KPI.objects.order_by("sort_order", "name"))
    values = _aggregated_values(vendor_ids, kind, first, last)
    targets = _targets(vendor_ids, first, last)
    cards = {
        (vendor_id, start): _build(vendor_id, kind, start, kpis, values, targets)
        for vendor_id in vendor_ids
        for start in starts
    }
    if with_credits and kind == PeriodKind.MONTH:
        from .credits import apply_credits

        apply_credits(cards, vendor_ids, first, last)
    return cards


def scorecard_for(vendor_id: int, kind: str, start: date, *, trend_periods: int = 12) -> Scorecard:
    """One vendor's scorecard with its trend and relationship factors (bounded queries)."""
    starts = previous_periods(kind, start, trend_periods)
    cards = compute_scorecards([vendor_id], kind, starts)
    card = cards[(vendor_id, start)]
    card.trend = [(period_label(kind, s), cards[(vendor_id, s)].overall_score) for s in starts]
    from .relationship import relationship_factors

    card.relationship = relationship_factors([vendor_id], *period_bounds(kind, start))[vendor_id]
    return card
