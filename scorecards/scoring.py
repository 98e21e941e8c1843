"""Scorecard maths, done as a contact centre would.

Two steps (``periodmaths``): ONE aggregate query answers sums per (vendor, KPI, month,
granularity, supplier) — ``monthly_sums``, the only reader of raw rows — then pure
Python keeps the finest granularity reported in each month, adds the period's months
up (a quarter of a monthly July and a daily August is still one quarter) and computes
each KPI from the combined sums:

- count-derived KPIs (service level, abandonment, ASA, AHT, contacts handled, handle
  minutes) from the summed raw counts, with the service-level definition of the
  line's contract (``definitions``);
- ratio KPIs: Σnumerator ÷ Σdenominator (never the mean of daily percentages);
- volume-weighted KPIs: Σ(value × volume) ÷ Σvolume; mean / sum KPIs: mean / Σvalue.

"No data" is ``None``, never 0 or 100. A KPI with a target and no data in a closed
period is ``missing``: left out of the score (the card is then not ``complete``) or
scored as missed, per ``SCORECARD_MISSING_POLICY``. The number of queries does not
depend on the number of vendors, periods or measurements.

Settings (all optional):

- ``SCORECARD_BANDS``: list of (lower bound, name), lowest first; default
  ``[(0, "critical"), (30, "poor"), (50, "good"), (80, "excellent")]``. The first band
  flags the vendor for probation.
- ``SCORECARD_PREFERRED_SUPPLIER``: ``"client"`` (default) or ``"vendor"``: whose value
  is scored when both sides supplied one for a period.
- ``SCORECARD_GAP_TOLERANCE_PERCENT``: default 5; a vendor-reported value further than
  this (relative %) from the client-measured one is flagged.
- ``SCORECARD_MISSING_POLICY``: ``"exclude"`` (default: a missing KPI is left out, the
  remaining weights renormalised and the card marked incomplete) or ``"miss"`` (a
  missing KPI scores 0 and is red, so leaving out a bad number never pays).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from contracts.service_level import ServiceLevelDefinition
from vendorhub.models import Vendor

from .credits import Credit, CurrencyTotal, apply_credits, currency_totals, sum_months
from .definitions import active_contracts, definition_for, vendor_definition
from .formulas import DEFINED_BY_CONTRACT
from .models import (
    KPI,
    PeriodKind,
    SuppliedBy,
    Target,
    period_bounds,
    period_label,
    previous_periods,
)
from .periodmaths import (
    GRANULARITY_ORDER,
    Sums,
    finest,
    monthly_sums,
    pick_supplier,
    range_sums,
    value_of,
)
from .relationship import relationship_factors

if TYPE_CHECKING:
    from collections.abc import Iterable

DEFAULT_BANDS: list[tuple[float, str]] = [
    (0, "critical"),
    (30, "poor"),
    (50, "good"),
    (80, "excellent"),
]
__all__ = [
    "GRANULARITY_ORDER",
    "Line",
    "Scorecard",
    "compute_scorecards",
    "kpi_value",
    "scorecard_for",
]


def missing_policy() -> str:
    """``exclude`` (default) or ``miss``; anything else is a configuration error."""
    policy = getattr(settings, "SCORECARD_MISSING_POLICY", "exclude")
    if policy not in ("exclude", "miss"):
        raise ValueError("SCORECARD_MISSING_POLICY is 'exclude' or 'miss'.")
    return policy


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
    #: The contract the line's target names (``target.contract``), if any.
    contract_id: int | None = None
    attainment: float | None = None
    score: float | None = None
    points: float | None = None
    rag: str = "none"  # green / amber / red / none (no data or no target)
    #: Service credit earned (after the cap), the contract's currency and reference,
    #: and why no credit could be computed (``scorecards.credits``).
    credit: Decimal | None = None
    credit_currency: str | None = None
    credit_contract: str | None = None
    credit_note: str | None = None
    #: ``ok``, ``missing`` (closed period, target, no data) or ``no_target`` (public).
    status: str = "ok"
    #: The service-level definition the line was computed with (SL and abandonment).
    definition: ServiceLevelDefinition | None = None
    #: Thresholds the counts were measured at that are not the contract's.
    other_thresholds: list[int] = field(default_factory=list)
    #: The corrective action plan covering this KPI in the period (public ``plan``:
    #: ``{"id", "status"}`` or ``None``; ``actionplans``).
    plan: dict[str, Any] | None = None

    @property
    def scored(self) -> bool:
        return self.score is not None

    @property
    def missing(self) -> bool:
        return self.status == "missing"

    @property
    def threshold_mismatch(self) -> bool:
        return bool(self.other_thresholds)

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
            "credit_currency": self.credit_currency,
            "credit_contract": self.credit_contract,
            "credit_note": self.credit_note,
            "status": self.status,
            "threshold_mismatch": self.threshold_mismatch,
            "measured_thresholds": self.other_thresholds,
            "definition": _definition_dict(self.definition),
            "plan": self.plan,
        }


def _definition_dict(definition: ServiceLevelDefinition | None) -> dict[str, Any] | None:
    if definition is None:
        return None
    return {
        "threshold_seconds": definition.threshold_seconds,
        "abandon_treatment": definition.abandon_treatment,
        "short_abandon_seconds": definition.short_abandon_seconds,
        "source": definition.source,
        "contract": definition.contract_reference or None,
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
class Scorecard:
    vendor_id: int
    period_kind: str
    period_start: date
    lines: list[Line] = field(default_factory=list)
    overall_score: float | None = None
    credits: list[Credit] = field(default_factory=list)
    #: A quarter's months and their credits (a quarter's credits are their sum).
    credit_months: list[tuple[str, list[Credit]]] = field(default_factory=list)
    relationship: dict[str, Any] = field(default_factory=dict)
    trend: list[tuple[str, float | None]] = field(default_factory=list)
    #: The period is over (only then can a KPI be ``missing``).
    closed: bool = False
    #: The published version this card is (a snapshot), or ``None`` when computed live.
    version: int | None = None

    @property
    def missing_kpis(self) -> list[str]:
        return [line.kpi.code for line in self.lines if line.missing]

    @property
    def complete(self) -> bool:
        """A closed period in which every KPI with a target has data."""
        return self.closed and not self.missing_kpis

    @property
    def definitions(self) -> list[ServiceLevelDefinition]:
        """The distinct service-level definitions the card's lines used (for the page)."""
        seen: list[ServiceLevelDefinition] = []
        for line in self.lines:
            if line.definition is not None and line.definition not in seen:
                seen.append(line.definition)
        return seen

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
    def credit_totals(self) -> list[CurrencyTotal]:
        """One total per currency: credits in different currencies are never added."""
        return currency_totals(self.credits)

    def line_for(self, code: str) -> Line | None:
        return next((line for line in self.lines if line.kpi.code == code), None)

    def as_dict(self, vendor_slug: str) -> dict[str, Any]:
        return {
            "vendor": vendor_slug,
            "period": self.period,
            "overall_score": _round(self.overall_score, 1),
            "standing": self.standing,
            "probation": self.probation,
            "complete": self.complete,
            "missing_kpis": self.missing_kpis,
            "version": self.version,
            "kpis": [line.as_dict() for line in self.lines],
            "credits": [c.as_dict() for c in self.credits],
            "credit_totals": [t.as_dict() for t in self.credit_totals],
            "relationship": self.relationship,
            "trend": [{"period": p, "overall_score": _round(s, 1)} for p, s in self.trend],
        }


def _targets(vendor_ids: list[int], first: date, last: date) -> dict[tuple[int, int], list[Target]]:
    """Every target in force at some point of [first, last], newest first, one query."""
    rows = (
        Target.objects.filter(vendor_id__in=vendor_ids, effective_from__lte=last)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=first))
        .select_related("contract")
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


def _gap(values: dict[str, float]) -> bool:
    vendor, client = values.get(SuppliedBy.VENDOR), values.get(SuppliedBy.CLIENT)
    if vendor is None or client is None:
        return False
    tolerance = float(getattr(settings, "SCORECARD_GAP_TOLERANCE_PERCENT", 5))
    base = abs(client) or 1.0
    return abs(vendor - client) / base * 100 > tolerance


def _months(kind: str, start: date) -> list[date]:
    first, last = period_bounds(kind, start)
    months, day = [], first
    while day <= last:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


@dataclass
class _Inputs:
    """Everything ``_build`` reads, loaded once for all vendors and periods."""

    kpis: list[KPI]
    sums: dict[tuple[int, int, date, str], Sums]
    targets: dict[tuple[int, int], list[Target]]
    contracts: dict[int, list]
    today: date
    policy: str


def _period_sums(inputs: _Inputs, vendor_id: int, kpi_id: int, months: list[date]):
    """{supplier: the period's sums}: each month at its finest granularity, added up."""
    combined: dict[str, Sums] = {}
    for month in months:
        for supplier in SuppliedBy.values:
            part = inputs.sums.get((vendor_id, kpi_id, month, supplier))
            if part is not None:
                combined[supplier] = combined[supplier] + part if supplier in combined else part
    return combined


def _build(vendor_id: int, kind: str, start: date, inputs: _Inputs) -> Scorecard:
    card = Scorecard(vendor_id=vendor_id, period_kind=kind, period_start=start)
    end = card.period_end
    card.closed = end < inputs.today
    months = _months(kind, start)
    contracts = inputs.contracts.get(vendor_id, [])
    for kpi in inputs.kpis:
        sums = _period_sums(inputs, vendor_id, kpi.pk, months)
        target = _target_in_force(inputs.targets.get((vendor_id, kpi.pk), []), end)
        if not sums and target is None:
            continue
        definition = definition_for(target, contracts)
        supplied = {
            supplier: value
            for supplier, part in sums.items()
            if (value := value_of(kpi, part, definition)) is not None
        }
        _supplier, actual = pick_supplier(supplied)
        line = Line(
            kpi=kpi,
            actual=actual,
            vendor_value=supplied.get(SuppliedBy.VENDOR),
            client_value=supplied.get(SuppliedBy.CLIENT),
            gap_flag=_gap(supplied),
        )
        if kpi.code in DEFINED_BY_CONTRACT:
            line.definition = definition
            line.other_thresholds = sorted(
                {
                    t
                    for part in sums.values()
                    for t in part.thresholds_other_than(definition.threshold_seconds)
                }
            )
        if target is None:
            line.status = "no_target"
        else:
            line.target, line.threshold, line.weight = (
                target.target,
                target.threshold,
                target.weight,
            )
            line.target_id = target.pk
            line.contract_id = target.contract_id
            line.rag, line.score = score_line(kpi, line.actual, target.target, target.threshold)
            line.attainment = attainment_for(kpi, line.actual, target.target)
            if line.actual is None and card.closed:
                line.status = "missing"
                if inputs.policy == "miss":
                    line.rag, line.score = "red", 0.0
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
    today: date | None = None,
) -> dict[tuple[int, date], Scorecard]:
    """Scorecards for every vendor and period in a constant number of queries.

    ``today`` decides which periods are closed (default: the local date).
    """
    vendor_ids = list(vendor_ids)
    starts = sorted(set(starts))
    if not vendor_ids or not starts:
        return {}
    first = starts[0]
    last = period_bounds(kind, starts[-1])[1]
    inputs = _Inputs(
        kpis=list(KPI.objects.order_by("sort_order", "name")),
        sums=finest(monthly_sums(vendor_ids, first, last)),
        targets=_targets(vendor_ids, first, last),
        contracts=active_contracts(vendor_ids, first, last),
        today=today or timezone.localdate(),
        policy=missing_policy(),
    )
    cards = {
        (vendor_id, start): _build(vendor_id, kind, start, inputs)
        for vendor_id in vendor_ids
        for start in starts
    }
    if with_credits:
        _credit(cards, vendor_ids, kind, starts, inputs, first, last)
    _attach_plans(cards, vendor_ids, kind, last)
    return cards


#: A plan proposed up to this long after a period still answers that period's line.
PLAN_ANSWERS_WITHIN = timedelta(days=92)


def _attach_plans(
    cards: dict[tuple[int, date], Scorecard], vendor_ids: list[int], kind: str, last: date
) -> None:
    """Each line's ``plan``: the latest action plan on that vendor and KPI that covers
    the period: still running at or after the period's start (its due date, or end of
    cure, is not before it) and proposed before the period ended or within
    ``PLAN_ANSWERS_WITHIN`` after it (the plan that answers a failing month is usually
    written the month after). Cancelled plans cover nothing. One query for every card."""
    from actionplans.models import ActionPlan, PlanStatus

    plans = list(
        ActionPlan.objects.filter(vendor_id__in=vendor_ids, kpi__isnull=False)
        .exclude(status=PlanStatus.CANCELLED)
        .filter(created_at__date__lte=last + PLAN_ANSWERS_WITHIN)
        .order_by("-created_at", "-id")
        .values("id", "vendor_id", "kpi_id", "status", "created_at", "due_date", "cure_until")
    )
    if not plans:
        return
    by_key: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for plan in plans:
        by_key[(plan["vendor_id"], plan["kpi_id"])].append(plan)
    for (vendor_id, start), card in cards.items():
        end = period_bounds(kind, start)[1]
        for line in card.lines:
            for plan in by_key.get((vendor_id, line.kpi.pk), ()):
                final = plan["cure_until"] or plan["due_date"]
                proposed = timezone.localdate(plan["created_at"])
                if final >= start and proposed <= end + PLAN_ANSWERS_WITHIN:
                    line.plan = {"id": plan["id"], "status": plan["status"]}
                    break


def _credit(cards, vendor_ids, kind, starts, inputs: _Inputs, first: date, last: date) -> None:
    """Credits are monthly; a quarter's are the sum of its months (one more query)."""
    named = {
        t.contract_id: t.contract
        for targets in inputs.targets.values()
        for t in targets
        if t.contract_id is not None
    }
    if kind == PeriodKind.MONTH:
        apply_credits(cards, vendor_ids, first, last, named)
        return
    months = {
        (vendor_id, month): _build(vendor_id, PeriodKind.MONTH, month, inputs)
        for vendor_id in vendor_ids
        for start in starts
        for month in _months(kind, start)
    }
    apply_credits(months, vendor_ids, first, last, named)
    for (vendor_id, start), card in cards.items():
        sum_months(card, [months[(vendor_id, m)] for m in _months(kind, start)])


def scorecard_for(vendor_id: int, kind: str, start: date, *, trend_periods: int = 12) -> Scorecard:
    """One vendor's scorecard with its trend and relationship factors (bounded queries)."""
    starts = previous_periods(kind, start, trend_periods)
    cards = compute_scorecards([vendor_id], kind, starts)
    card = cards[(vendor_id, start)]
    card.trend = [(period_label(kind, s), cards[(vendor_id, s)].overall_score) for s in starts]
    card.relationship = relationship_factors([vendor_id], *period_bounds(kind, start))[vendor_id]
    return card


# --- A custom range ---------------------------------------------------------------


def kpi_value(
    *,
    vendor: Vendor | int,
    kpi: KPI | str,
    start: date,
    end: date,
    supplier: str | None = None,
) -> float | None:
    """One KPI's value for a vendor over ``[start, end]`` (inclusive), or ``None`` (no data).

    For action-plan re-measurement (issue 12) and any custom range: exact from daily
    rows; a weekly or monthly row counts only when it lies wholly inside the range.
    Count-derived KPIs are computed from the summed counts with the service-level
    definition that applies (``scorecards.definitions``). ``supplier`` (``client`` or
    ``vendor``) picks one side; ``None`` takes the preferred side
    (``SCORECARD_PREFERRED_SUPPLIER``), else the other.
    """
    if start > end:
        raise ValueError("The range must not end before it starts.")
    if supplier is not None and supplier not in SuppliedBy.values:
        raise ValueError(f"supplier is one of {', '.join(SuppliedBy.values)} or None.")
    vendor_id = vendor if isinstance(vendor, int) else vendor.pk
    kpi = kpi if isinstance(kpi, KPI) else KPI.objects.get(code=kpi)
    totals = range_sums(vendor_id=vendor_id, kpi_id=kpi.pk, start=start, end=end)
    _name, sums = pick_supplier(totals, supplier)
    if sums is None:
        return None
    definition = vendor_definition(vendor_id=vendor_id, kpi_id=kpi.pk, start=start, end=end)
    return value_of(kpi, sums, definition)
