"""Service credits per contract and currency (SPEC section 6 "Money").

A contract's service-credit terms are the only source of credits: ``monthly_fee``,
``service_credit_at_risk_percent``, ``service_credit_cap_percent`` and
``service_credit_allocation`` (``{kpi_code: percent of the at-risk amount}``).

Which contract a KPI line is charged under (``charging_contract``):

1. the contract its target names (``target.contract``) — and only that one; if that
   contract has no credit terms or is not in force in the month, the line earns nothing
   and says why;
2. a target without a contract: the vendor's single contract with credit terms in force
   in the month;
3. several such contracts: no credit, and the line says why (name the contract on the
   target to settle it).

"In force in the month": status active or expired (an expired contract still owes the
credits of the months it covered), effective on or before the month's last day and not
ended before its first day. Drafts and terminated contracts never earn credits.

For one contract and month (``credit_for_month``):

- ``at_risk``    = monthly fee × at-risk % (rounded half-up to the cent);
- each red line charged under it earns the exact share ``at_risk × allocation %``;
- ``before_cap`` = the sum of those exact shares, rounded half-up to the cent;
- ``earned``     = ``before_cap``, or the cap (monthly fee × cap %, rounded half-up to the
  cent) when that is lower; a cap of 0 % means no cap.

The lines' credits are ``earned`` shared pro rata to their exact shares by the largest
remainder method: every line gets its share rounded down to the cent, and the cents
left over go one each to the lines with the largest remainders (ties: the KPI order of
the scorecard). So the lines of one contract always add up exactly to its ``earned``,
whether the cap binds or not.

A quarter is the sum of its months: each month is computed with the targets and
contracts of that month, then at risk, before cap and earned are added per contract,
and each line's credit is the sum of its monthly credits. Amounts in different
currencies are never added: totals are per currency (``currency_totals``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from django.db.models import Q

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

#: Contract statuses that may earn credits for the months they covered.
CREDITED_STATUSES = ("active", "expired")


def cents(value: Decimal) -> Decimal:
    """Round half-up to the cent (the one rounding rule of this module)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Credit:
    """One contract's credit for one month (or a quarter: the sum of its months), in
    the contract's currency."""

    contract_id: int
    reference: str
    currency: str
    at_risk: Decimal
    before_cap: Decimal
    earned: Decimal
    cap: Decimal | None = None

    @property
    def contract(self) -> str:
        """The public name of ``reference`` (as in the API and snapshots)."""
        return self.reference

    @property
    def capped(self) -> bool:
        return self.earned < self.before_cap

    def as_dict(self) -> dict[str, Any]:
        """The public shape (``credits`` of the scorecard API)."""
        return {
            "contract": self.reference,
            "currency": self.currency,
            "at_risk": str(self.at_risk),
            "before_cap": str(self.before_cap),
            "earned": str(self.earned),
        }


@dataclass
class CurrencyTotal:
    """Credits of several contracts (or vendors) in ONE currency."""

    currency: str
    at_risk: Decimal = ZERO
    before_cap: Decimal = ZERO
    earned: Decimal = ZERO

    def as_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "at_risk": str(self.at_risk),
            "before_cap": str(self.before_cap),
            "earned": str(self.earned),
        }


def currency_totals(credits: list[Credit] | list[CurrencyTotal]) -> list[CurrencyTotal]:
    """One total per currency, sorted by currency code; never adds currencies together."""
    totals: dict[str, CurrencyTotal] = {}
    for credit in credits:
        total = totals.setdefault(credit.currency, CurrencyTotal(currency=credit.currency))
        total.at_risk += credit.at_risk
        total.before_cap += credit.before_cap
        total.earned += credit.earned
    return [totals[c] for c in sorted(totals)]


class _KPI(Protocol):
    code: str


class CreditedLine(Protocol):
    """What crediting needs of a scorecard line (``scoring.Line`` is one)."""

    kpi: _KPI
    rag: str
    target_id: int | None
    contract_id: int | None
    credit: Decimal | None
    credit_currency: str | None
    credit_contract: str | None
    credit_note: str | None


class CreditedCard(Protocol):
    """What crediting needs of a scorecard (``scoring.Scorecard`` is one).

    A protocol, not an import: ``scoring`` calls this module, so this module must not
    import ``scoring`` back.
    """

    vendor_id: int
    lines: list[CreditedLine]
    credits: list[Credit]
    credit_months: list[tuple[str, list[Credit]]]

    @property
    def period(self) -> str: ...

    @property
    def period_start(self) -> date: ...

    @property
    def period_end(self) -> date: ...


# --- The arithmetic ---------------------------------------------------------------


def apportion(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Share ``total`` (whole cents) pro rata to ``weights`` so the parts add up exactly.

    Largest remainder: each part rounded down to the cent, the cents left over one each
    to the largest remainders, ties to the earlier weight.
    """
    weight_sum = sum(weights, Decimal("0"))
    if not weights or weight_sum <= 0:
        return [ZERO for _ in weights]
    exact = [total * w / weight_sum for w in weights]
    parts = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    left = int((total - sum(parts, Decimal("0"))) / CENT)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += CENT
    return parts


@dataclass
class MonthCredit:
    """``credit_for_month``'s answer: the contract's figures and each line's part."""

    at_risk: Decimal
    before_cap: Decimal
    earned: Decimal
    cap: Decimal | None
    lines: dict[str, Decimal] = field(default_factory=dict)


def credit_for_month(
    *,
    monthly_fee: Decimal,
    at_risk_percent: Decimal,
    cap_percent: Decimal,
    allocation: dict[str, Any],
    missed: list[str],
) -> MonthCredit:
    """One contract's credit for one month; ``missed``: the red KPI codes charged to it
    (in scorecard order). ``lines`` maps each missed, allocated code to its credit."""
    at_risk = cents(monthly_fee * Decimal(at_risk_percent) / 100)
    shares = [
        (code, at_risk * Decimal(str(allocation[code])) / 100)
        for code in missed
        if Decimal(str(allocation.get(code, 0))) > 0
    ]
    before_cap = cents(sum((s for _, s in shares), Decimal("0")))
    cap = cents(monthly_fee * Decimal(cap_percent) / 100) if cap_percent else None
    earned = min(before_cap, cap) if cap is not None else before_cap
    parts = apportion(earned, [s for _, s in shares])
    return MonthCredit(
        at_risk=at_risk,
        before_cap=before_cap,
        earned=earned,
        cap=cap,
        lines={code: part for (code, _), part in zip(shares, parts, strict=True)},
    )


# --- Which contract a line is charged under ---------------------------------------


def has_credit_terms(contract: Any) -> bool:
    return bool(contract.monthly_fee) and (contract.service_credit_at_risk_percent or 0) > 0


def in_force(contract: Any, first: date, last: date) -> bool:
    return (
        contract.status in CREDITED_STATUSES
        and contract.effective_date <= last
        and (contract.end_date is None or contract.end_date >= first)
    )


def charging_contract(
    named: Any | None, candidates: list[Any], first: date, last: date
) -> tuple[Any | None, str | None]:
    """(the contract a line is charged under, or None; why not, or None).

    ``named``: the target's contract (or None); ``candidates``: the vendor's contracts
    with credit terms in force in the month.
    """
    if named is not None:
        if not has_credit_terms(named):
            return None, f"{named.reference} has no service-credit terms."
        if not in_force(named, first, last):
            return None, f"{named.reference} is not in force in this month."
        return named, None
    if len(candidates) == 1:
        return candidates[0], None
    if len(candidates) > 1:
        references = ", ".join(c.reference for c in candidates)
        return None, (
            f"Several contracts with service-credit terms ({references}): name the "
            "contract on the target to compute a credit."
        )
    return None, None


def credit_contracts(vendor_ids: list[int], first: date, last: date) -> dict[int, list]:
    """{vendor id: its contracts with credit terms in force in some of [first, last]}."""
    from contracts.models import Contract

    rows = (
        Contract.objects.filter(
            vendor_id__in=vendor_ids,
            status__in=CREDITED_STATUSES,
            monthly_fee__gt=0,
            service_credit_at_risk_percent__gt=0,
            effective_date__lte=last,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .only(
            "id",
            "vendor_id",
            "reference",
            "status",
            "currency",
            "monthly_fee",
            "service_credit_at_risk_percent",
            "service_credit_cap_percent",
            "service_credit_allocation",
            "effective_date",
            "end_date",
        )
        .order_by("reference")
    )
    grouped: dict[int, list] = defaultdict(list)
    for contract in rows:
        grouped[contract.vendor_id].append(contract)
    return grouped


# --- Filling scorecards -----------------------------------------------------------


def credit_month_card(card: CreditedCard, contracts: list, named: dict[int, Any]) -> None:
    """Fill one monthly card's ``credits`` and its lines' credit fields.

    ``contracts``: the vendor's contracts with credit terms (any month); ``named``:
    {target contract id: contract} for the contracts targets name.
    """
    first, last = card.period_start, card.period_end
    candidates = [c for c in contracts if in_force(c, first, last)]
    charged: dict[int, list[CreditedLine]] = defaultdict(list)
    by_id = {c.pk: c for c in candidates}
    for line in card.lines:
        if line.target_id is None:
            continue
        target_contract = named.get(line.contract_id) if line.contract_id else None
        contract, note = charging_contract(target_contract, candidates, first, last)
        line.credit_note = note
        if contract is None:
            continue
        by_id.setdefault(contract.pk, contract)
        share = Decimal(str((contract.service_credit_allocation or {}).get(line.kpi.code, 0)))
        if share > 0:
            line.credit_contract = contract.reference
            line.credit_currency = contract.currency
            charged[contract.pk].append(line)
    for contract in sorted(by_id.values(), key=lambda c: c.reference):
        lines = charged.get(contract.pk, [])
        result = credit_for_month(
            monthly_fee=contract.monthly_fee,
            at_risk_percent=contract.service_credit_at_risk_percent,
            cap_percent=contract.service_credit_cap_percent,
            allocation=contract.service_credit_allocation or {},
            missed=[line.kpi.code for line in lines if line.rag == "red"],
        )
        for line in lines:
            if line.kpi.code in result.lines:
                line.credit = result.lines[line.kpi.code]
        card.credits.append(
            Credit(
                contract_id=contract.pk,
                reference=contract.reference,
                currency=contract.currency,
                at_risk=result.at_risk,
                before_cap=result.before_cap,
                earned=result.earned,
                cap=result.cap,
            )
        )


def sum_months(card: CreditedCard, months: list[CreditedCard]) -> None:
    """A quarter's credits: per contract, the sum of its months; per line, the sum of
    the line's monthly credits (charged under one contract, else no sum and a note)."""
    totals: dict[int, Credit] = {}
    for month in months:
        card.credit_months.append((month.period, month.credits))
        for credit in month.credits:
            total = totals.get(credit.contract_id)
            if total is None:
                totals[credit.contract_id] = Credit(
                    contract_id=credit.contract_id,
                    reference=credit.reference,
                    currency=credit.currency,
                    at_risk=credit.at_risk,
                    before_cap=credit.before_cap,
                    earned=credit.earned,
                )
            else:
                total.at_risk += credit.at_risk
                total.before_cap += credit.before_cap
                total.earned += credit.earned
    card.credits = sorted(totals.values(), key=lambda c: c.reference)
    month_lines = [{m_line.kpi.code: m_line for m_line in month.lines} for month in months]
    for line in card.lines:
        parts = [m[line.kpi.code] for m in month_lines if line.kpi.code in m]
        contracts = {p.credit_contract for p in parts if p.credit_contract}
        notes = sorted({p.credit_note for p in parts if p.credit_note})
        line.credit_note = " ".join(notes) or None
        if len(contracts) > 1:
            line.credit_note = (
                f"Charged under several contracts in this quarter ({', '.join(sorted(contracts))}):"
                " see the months."
            )
            continue
        if contracts:
            charged = next(p for p in parts if p.credit_contract)
            line.credit_contract = charged.credit_contract
            line.credit_currency = charged.credit_currency
        earned = [p.credit for p in parts if p.credit is not None]
        line.credit = sum(earned, ZERO) if earned else None


def apply_credits(
    cards: dict[tuple[int, date], CreditedCard],
    vendor_ids: list[int],
    first: date,
    last: date,
    named: dict[int, Any],
) -> None:
    """Fill ``credits`` and the lines' credit fields of monthly cards: one query."""
    contracts = credit_contracts(vendor_ids, first, last)
    for (vendor_id, _start), card in cards.items():
        credit_month_card(card, contracts.get(vendor_id, []), named)
