"""Indicative service credits from the contract's at-risk share, allocation and cap.

For each active contract of the vendor that covers the month: the amount at risk is
``monthly_fee × at-risk %``; each KPI whose red line was missed (RAG red) yields its
allocated share of that amount; the month's total is capped at ``monthly_fee × cap %``
(no cap when the cap is 0). Credits are monthly, so quarters show none.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from django.db.models import Q

CENT = Decimal("0.01")


@dataclass
class Credit:
    """One contract's indicative credit for one month, in the contract's currency."""

    contract_id: int
    reference: str
    currency: str
    at_risk: Decimal
    earned: Decimal
    cap: Decimal | None


class _KPI(Protocol):
    code: str


class CreditedLine(Protocol):
    """What crediting needs of a scorecard line (``scoring.Line`` is one)."""

    kpi: _KPI
    rag: str
    credit: Decimal | None


class CreditedCard(Protocol):
    """What crediting needs of a scorecard (``scoring.Scorecard`` is one).

    A protocol, not an import: ``scoring`` calls this module, so this module must not
    import ``scoring`` back.
    """

    lines: list[CreditedLine]
    credits: list[Credit]

    @property
    def period_start(self) -> date: ...

    @property
    def period_end(self) -> date: ...


def credit_for_month(
    *,
    monthly_fee: Decimal,
    at_risk_percent: Decimal,
    cap_percent: Decimal,
    allocation: dict[str, float],
    missed: list[str],
) -> tuple[Decimal, Decimal, Decimal | None]:
    """(at risk, earned, cap) for one contract and month, in the contract currency."""
    at_risk = (monthly_fee * Decimal(at_risk_percent) / 100).quantize(CENT)
    earned = sum(
        (at_risk * Decimal(str(allocation.get(code, 0))) / 100 for code in missed), Decimal("0")
    )
    cap = (monthly_fee * Decimal(cap_percent) / 100).quantize(CENT) if cap_percent else None
    if cap is not None:
        earned = min(earned, cap)
    return at_risk, earned.quantize(CENT), cap


def apply_credits(
    cards: dict[tuple[int, date], CreditedCard], vendor_ids: list[int], first: date, last: date
) -> None:
    """Fill ``credits`` (and each red line's ``credit``) of monthly cards: one query."""
    from contracts.models import Contract, ContractStatus

    contracts = (
        Contract.objects.filter(
            vendor_id__in=vendor_ids,
            status=ContractStatus.ACTIVE,
            monthly_fee__isnull=False,
            service_credit_at_risk_percent__gt=0,
            effective_date__lte=last,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .only(
            "id",
            "vendor_id",
            "reference",
            "currency",
            "monthly_fee",
            "service_credit_at_risk_percent",
            "service_credit_cap_percent",
            "service_credit_allocation",
            "effective_date",
            "end_date",
        )
    )
    by_vendor = defaultdict(list)
    for contract in contracts:
        by_vendor[contract.vendor_id].append(contract)
    for (vendor_id, _start), card in cards.items():
        for contract in by_vendor.get(vendor_id, []):
            if contract.effective_date > card.period_end or (
                contract.end_date and contract.end_date < card.period_start
            ):
                continue
            allocation = contract.service_credit_allocation or {}
            missed = [line.kpi.code for line in card.lines if line.rag == "red"]
            at_risk, earned, cap = credit_for_month(
                monthly_fee=contract.monthly_fee,
                at_risk_percent=contract.service_credit_at_risk_percent,
                cap_percent=contract.service_credit_cap_percent,
                allocation=allocation,
                missed=missed,
            )
            card.credits.append(
                Credit(
                    contract_id=contract.pk,
                    reference=contract.reference,
                    currency=contract.currency,
                    at_risk=at_risk,
                    earned=earned,
                    cap=cap,
                )
            )
            for line in card.lines:
                if line.rag == "red" and line.kpi.code in allocation:
                    share = (at_risk * Decimal(str(allocation[line.kpi.code])) / 100).quantize(CENT)
                    line.credit = (line.credit or Decimal("0")) + share
