"""KPI scorecards: KPI definitions, targets, measurements and published scorecards.

The maths lives in ``scoring.py`` (aggregate queries, computed in the database); this
package holds the rows and the rules about a single row. Every vendor-owned model has a
direct ``vendor`` key and a ``VendorOwnedQuerySet`` so scoping is one filter.

Split by feature; import from ``scorecards.models``.
"""

from __future__ import annotations

from .credits import CREDIT_MOVES, OPEN_STATUSES, CreditMove, CreditStatus, ServiceCredit
from .kpis import KPI, Aggregation, Direction, Granularity, KPIQuerySet, Source, SuppliedBy, Unit
from .measurements import Measurement, MeasurementQuerySet
from .periods import (
    PeriodKind,
    month_end,
    parse_period,
    period_bounds,
    period_label,
    previous_periods,
    quarter_start,
)
from .published import Appeal, PublishedScorecard, ScorecardStatus
from .targets import Target, TargetQuerySet

__all__ = [
    "CREDIT_MOVES",
    "KPI",
    "OPEN_STATUSES",
    "Aggregation",
    "Appeal",
    "CreditMove",
    "CreditStatus",
    "Direction",
    "Granularity",
    "KPIQuerySet",
    "Measurement",
    "MeasurementQuerySet",
    "PeriodKind",
    "PublishedScorecard",
    "ScorecardStatus",
    "ServiceCredit",
    "Source",
    "SuppliedBy",
    "Target",
    "TargetQuerySet",
    "Unit",
    "month_end",
    "parse_period",
    "period_bounds",
    "period_label",
    "previous_periods",
    "quarter_start",
]
