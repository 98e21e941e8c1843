"""Count-derived KPIs: which raw counts each needs, and its value from SUMMED counts.

A contact centre's platform counts contacts; percentages and averages are computed
from those counts for whatever period is looked at. So a measurement of one of these
library KPIs may carry the raw counts it came from (``Measurement.offered`` …), and a
period's value is computed from the counts summed over the period — never from the
mean of daily percentages (SPEC section 6, DESIGN-R2 A):

- ``service_level`` = n ÷ d with the contract's definition (``contracts.service_level``)
- ``abandonment_rate`` = (abandoned − short) ÷ (answered + abandoned − short)
- ``asa`` = answer_wait_seconds ÷ answered;  ``aht`` = handle_seconds ÷ handled
- ``contacts_handled`` = Σ handled;  ``handle_minutes`` = Σ handle_seconds ÷ 60

A row without counts (typed in as value and volume) still works through the KPI's
ordinary aggregation (ratio of numerator/denominator, volume-weighted mean, sum).
"""

from __future__ import annotations

from collections.abc import Mapping

from contracts.service_level import DEFAULT_DEFINITION, ServiceLevelDefinition

#: Every count column of ``Measurement``, in the order forms and CSV files show them.
COUNT_FIELDS = (
    "offered",
    "answered",
    "answered_in_threshold",
    "threshold_seconds",
    "abandoned",
    "short_abandoned",
    "handled",
    "handle_seconds",
    "answer_wait_seconds",
)
#: The count columns that add up over days, queues and months (the threshold does not).
SUMMED_COUNT_FIELDS = tuple(f for f in COUNT_FIELDS if f != "threshold_seconds")
#: Whole numbers of contacts (the rest are seconds).
CONTACT_COUNT_FIELDS = (
    "offered",
    "answered",
    "answered_in_threshold",
    "abandoned",
    "short_abandoned",
    "handled",
)

#: Count-derived library KPIs → the counts a row must carry to be computed from counts.
#: ``short_abandoned`` is optional everywhere (unknown counts as 0), ``offered`` is kept
#: for the record; ``threshold_seconds`` is optional (unknown: assumed the contract's).
REQUIRED_COUNTS: dict[str, tuple[str, ...]] = {
    "service_level": ("answered", "answered_in_threshold", "abandoned"),
    "abandonment_rate": ("answered", "abandoned"),
    "asa": ("answered", "answer_wait_seconds"),
    "aht": ("handled", "handle_seconds"),
    "contacts_handled": ("handled",),
    "handle_minutes": ("handle_seconds",),
}
#: Counts a row of that KPI may carry besides the required ones.
OPTIONAL_COUNTS: dict[str, tuple[str, ...]] = {
    "service_level": ("offered", "short_abandoned", "threshold_seconds"),
    "abandonment_rate": ("offered", "short_abandoned"),
    "asa": ("offered",),
    "aht": (),
    "contacts_handled": ("handle_seconds",),
    "handle_minutes": ("handled",),
}
COUNT_DERIVED_KPIS = frozenset(REQUIRED_COUNTS)
#: The count-derived KPIs whose value depends on the contract's service-level definition.
DEFINED_BY_CONTRACT = ("service_level", "abandonment_rate")


def is_count_derived(code: str) -> bool:
    return code in COUNT_DERIVED_KPIS


def allowed_counts(code: str) -> tuple[str, ...]:
    return REQUIRED_COUNTS.get(code, ()) + OPTIONAL_COUNTS.get(code, ())


def _ratio(numerator: float, denominator: float, scale: float) -> float | None:
    return numerator / denominator * scale if denominator else None


def value_from_counts(
    code: str,
    counts: Mapping[str, float | None],
    definition: ServiceLevelDefinition = DEFAULT_DEFINITION,
) -> float | None:
    """The KPI's value from (summed) ``counts``; ``None`` when there is nothing to divide
    by (no answered contact has no ASA — "no data", never 0)."""
    parts = fraction_from_counts(code, counts, definition)
    if parts is None:
        return None
    numerator, denominator, scale = parts
    if denominator is None:
        return numerator * scale
    return _ratio(numerator, denominator, scale)


def fraction_from_counts(
    code: str,
    counts: Mapping[str, float | None],
    definition: ServiceLevelDefinition = DEFAULT_DEFINITION,
) -> tuple[float, float | None, float] | None:
    """(numerator, denominator or ``None`` for a plain total, scale) of a count-derived
    KPI, or ``None`` when a required count is missing."""
    if any(counts.get(name) is None for name in REQUIRED_COUNTS.get(code, ("?",))):
        return None
    c = {name: float(counts.get(name) or 0) for name in COUNT_FIELDS}
    short = counts.get("short_abandoned")
    if code == "service_level":
        n, d = definition.service_level_counts(
            answered_in_threshold=c["answered_in_threshold"],
            answered=c["answered"],
            abandoned=c["abandoned"],
            short_abandoned=short,
        )
        return n, d, 100.0
    if code == "abandonment_rate":
        n, d = definition.abandonment_counts(
            answered=c["answered"], abandoned=c["abandoned"], short_abandoned=short
        )
        return n, d, 100.0
    if code == "asa":
        return c["answer_wait_seconds"], c["answered"], 1.0
    if code == "aht":
        return c["handle_seconds"], c["handled"], 1.0
    if code == "contacts_handled":
        return c["handled"], None, 1.0
    if code == "handle_minutes":
        return c["handle_seconds"] / 60, None, 1.0
    return None
