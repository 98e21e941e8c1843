"""Which contract's service-level definition applies to a vendor's KPI line.

DESIGN-R2 A: the contract the line's target names (``target.contract``); else the
vendor's single active contract covering the period; else the defaults (20 s, abandons
count against, 5 s short abandons) — and the scorecard says which. Several active
contracts and a target naming none: the defaults, and the line says why.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q

from contracts.service_level import DEFAULT_DEFINITION, ServiceLevelDefinition

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .models import Target


def active_contracts(vendor_ids: Iterable[int], first: date, last: date) -> dict[int, list]:
    """{vendor id: its active contracts covering some of [first, last]} in one query."""
    from contracts.models import Contract, ContractStatus

    rows = (
        Contract.objects.filter(
            vendor_id__in=list(vendor_ids),
            status=ContractStatus.ACTIVE,
            effective_date__lte=last,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .only(
            "id",
            "vendor_id",
            "reference",
            "effective_date",
            "end_date",
            "service_level_threshold_seconds",
            "abandon_treatment",
            "short_abandon_seconds",
        )
        .order_by("reference")
    )
    grouped: dict[int, list] = defaultdict(list)
    for contract in rows:
        grouped[contract.vendor_id].append(contract)
    return grouped


def definition_for(target: Target | None, contracts: list) -> ServiceLevelDefinition:
    """The definition of a line with ``target`` (its ``contract`` loaded) among the
    vendor's active ``contracts``."""
    if target is not None and target.contract_id is not None:
        return ServiceLevelDefinition.of(target.contract)
    if len(contracts) == 1:
        return ServiceLevelDefinition.of(contracts[0])
    if len(contracts) > 1:
        return ServiceLevelDefinition(
            source="ambiguous",
            contract_reference=", ".join(c.reference for c in contracts),
        )
    return DEFAULT_DEFINITION


def vendor_definition(
    *, vendor_id: int, kpi_id: int, start: date, end: date
) -> ServiceLevelDefinition:
    """The definition for one vendor, KPI and range (two small queries)."""
    from .models import Target

    target = (
        Target.objects.filter(vendor_id=vendor_id, kpi_id=kpi_id)
        .in_force(end)
        .select_related("contract")
        .first()
    )
    return definition_for(target, active_contracts([vendor_id], start, end).get(vendor_id, []))


class DefinitionResolver:
    """The definition of any (vendor, KPI, day) among many, from two queries.

    For write services and the refresh: a measurement's stored value (a convenience:
    scoring recomputes from counts) is derived with the definition of its day.
    """

    def __init__(self, vendor_ids: Iterable[int], first: date, last: date) -> None:
        from .models import Target

        vendor_ids = list(vendor_ids)
        self.contracts = active_contracts(vendor_ids, first, last)
        self.targets: dict[tuple[int, int], list[Target]] = defaultdict(list)
        rows = (
            Target.objects.filter(vendor_id__in=vendor_ids, effective_from__lte=last)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=first))
            .select_related("contract")
            .order_by("-effective_from")
        )
        for target in rows:
            self.targets[(target.vendor_id, target.kpi_id)].append(target)

    def __call__(self, vendor_id: int, kpi_id: int, day: date) -> ServiceLevelDefinition:
        target = next(
            (
                t
                for t in self.targets.get((vendor_id, kpi_id), [])
                if t.effective_from <= day and (t.effective_to is None or t.effective_to >= day)
            ),
            None,
        )
        contracts = [
            c
            for c in self.contracts.get(vendor_id, [])
            if c.effective_date <= day and (c.end_date is None or c.end_date >= day)
        ]
        return definition_for(target, contracts)
