"""Stored values of count-derived rows follow the contract's definition.

Scoring always recomputes service level and abandonment from the summed counts with
the definition in force, so a changed definition changes every unpublished period at
once. The ``value`` stored on each counted row is only a convenience for lists and
exports; this keeps it in step when a contract's definition (or which contract
applies) changes. Rows of a month already published (as a month or inside a published
quarter) are left as they were published.
"""

from __future__ import annotations

from django.db import transaction

from ..definitions import DefinitionResolver
from ..formulas import DEFINED_BY_CONTRACT
from ..models import Measurement, PublishedScorecard, period_bounds

DERIVED_FIELDS = ("value", "volume", "numerator", "denominator")


@transaction.atomic
def measurement_values_refresh(*, vendor_ids: list[int]) -> int:
    """Re-derive the stored values of the vendors' counted SL and abandonment rows in
    unpublished months; returns how many rows changed. Not a user edit: no version bump
    and no history row (the counts, which are the data, did not change)."""
    rows = list(
        Measurement.objects.filter(
            vendor_id__in=vendor_ids,
            kpi__code__in=DEFINED_BY_CONTRACT,
            answered__isnull=False,
        ).select_related("kpi")
    )
    if not rows:
        return 0
    frozen: set[tuple[int, object]] = set()
    for vendor_id, kind, start in PublishedScorecard.objects.filter(
        vendor_id__in=vendor_ids
    ).values_list("vendor_id", "period_kind", "period_start"):
        first, last = period_bounds(kind, start)
        month = first
        while month <= last:
            frozen.add((vendor_id, month))
            month = _next_month(month)
    resolve = DefinitionResolver(
        vendor_ids, min(r.period_start for r in rows), max(r.period_end for r in rows)
    )
    changed = []
    for row in rows:
        if (row.vendor_id, row.period_start.replace(day=1)) in frozen:
            continue
        before = tuple(getattr(row, name) for name in DERIVED_FIELDS)
        row.definition = resolve(row.vendor_id, row.kpi_id, row.period_end)
        row.derive_counts()
        if tuple(getattr(row, name) for name in DERIVED_FIELDS) != before:
            changed.append(row)
    Measurement.objects.bulk_update(changed, DERIVED_FIELDS, batch_size=1000)
    return len(changed)


def _next_month(day):
    return day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1, day=1)
