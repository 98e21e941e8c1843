"""The service-credit lifecycle: claim, agree, settle or waive; the vendor's dispute of a
claim; the figures frozen when a scorecard is published (``scorecards.models.credits``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from vendorhub.access import require_manager, speaks_for_vendor
from vendorhub.notifications import notify

from ..credits import Credit
from ..models import CreditStatus, PeriodKind, ServiceCredit, period_bounds, period_label
from ..scoring import compute_scorecards

if TYPE_CHECKING:
    from contracts.models import Contract
    from vendorhub.models import User, Vendor

    from ..scoring import Scorecard


def _credits_url(vendor: Vendor) -> str:
    return reverse("scorecards:credits", kwargs={"slug": vendor.slug})


def credits_freeze(*, card: Scorecard, vendor: Vendor, published) -> None:
    """Record a published month's credit figures, one row per contract. A credit not yet
    acted on takes the published figures; one already claimed or beyond keeps its own."""
    if card.period_kind != PeriodKind.MONTH:
        return
    for credit in card.credits:
        row = ServiceCredit.objects.filter(
            contract_id=credit.contract_id, period_start=card.period_start
        ).first()
        if row is not None and row.status != CreditStatus.INDICATIVE:
            row.published = True
            row.save(update_fields=["published", "updated_at"])
            continue
        row = row or ServiceCredit(
            vendor=vendor, contract_id=credit.contract_id, period_start=card.period_start
        )
        _set_figures(row, credit)
        row.published = True
        row.full_clean()
        row.save()


def _set_figures(row: ServiceCredit, credit: Credit) -> None:
    row.currency = credit.currency
    row.at_risk, row.before_cap, row.earned = credit.at_risk, credit.before_cap, credit.earned


def live_credit(*, contract: Contract, period_start: date) -> Credit | None:
    """The contract's credit for the month as computed now (None: no credit terms)."""
    card = compute_scorecards([contract.vendor_id], PeriodKind.MONTH, [period_start])[
        (contract.vendor_id, period_start)
    ]
    return next((c for c in card.credits if c.contract_id == contract.pk), None)


@transaction.atomic
def credit_transition(
    *,
    contract: Contract,
    period_start: date,
    to: str,
    by: User,
    reason: str = "",
    amount: Decimal | None = None,
    now: datetime | None = None,
) -> ServiceCredit:
    """Move a contract's credit for a month (managers only): claim (the month must be
    closed and have earned something), agree (optionally at a negotiated ``amount``),
    settle, or waive with a ``reason``. Who and when are recorded; the vendor is told."""
    require_manager(by)
    now = now or timezone.now()
    period_start = period_start.replace(day=1)
    if to not in CreditStatus.values or to == CreditStatus.INDICATIVE:
        raise ValidationError({"to": f"“{to}” is not a move of a service credit."})
    row = (
        ServiceCredit.objects.select_for_update()
        .filter(contract=contract, period_start=period_start)
        .first()
    )
    if row is None:
        live = live_credit(contract=contract, period_start=period_start)
        if live is None:
            raise ValidationError(
                {"contract": f"{contract.reference} has no service credit for this month."}
            )
        row = ServiceCredit(
            vendor_id=contract.vendor_id, contract=contract, period_start=period_start
        )
        _set_figures(row, live)
    elif row.status == CreditStatus.INDICATIVE and not row.published:
        live = live_credit(contract=contract, period_start=period_start)
        if live is not None:
            _set_figures(row, live)
    if not row.may_move_to(to):
        raise ValidationError(
            {"to": f"A {row.get_status_display().lower()} credit cannot become {to}."}
        )
    label = period_label(PeriodKind.MONTH, period_start)
    if to == CreditStatus.CLAIMED:
        if period_bounds(PeriodKind.MONTH, period_start)[1] >= timezone.localdate(now):
            raise ValidationError({"period": "Only a closed month's credit can be claimed."})
        if row.earned <= 0:
            raise ValidationError({"to": f"Nothing was earned in {label}: nothing to claim."})
        row.amount = row.earned
        row.claimed_at, row.claimed_by = now, by
    elif to == CreditStatus.AGREED:
        if amount is not None:
            if amount < 0 or amount > row.earned:
                raise ValidationError(
                    {"amount": f"Agree between 0 and the earned {row.earned} {row.currency}."}
                )
            row.amount = amount
        row.agreed_at, row.agreed_by = now, by
    elif to == CreditStatus.SETTLED:
        row.settled_at, row.settled_by = now, by
    elif to == CreditStatus.WAIVED:
        if not reason.strip():
            raise ValidationError({"reason": "Say why the credit is waived."})
        row.reason = reason.strip()
        row.waived_at, row.waived_by = now, by
    row.status = to
    row._history_user = by  # type: ignore[attr-defined]
    row.full_clean()
    row.save()
    vendor = contract.vendor
    notify(
        recipients=vendor.partner_users.filter(is_active=True),
        kind=f"credit.{to}",
        message=f"{vendor} · {contract.reference} {label}: service credit "
        f"{row.amount if row.amount is not None else row.earned} {row.currency} {to}.",
        url=_credits_url(vendor),
        vendor=vendor,
        now=now,
    )
    return row


@transaction.atomic
def credit_dispute(
    *, credit: ServiceCredit, by: User, reason: str, now: datetime | None = None
) -> ServiceCredit:
    """The vendor disputes a claim: a ``pricing`` dispute with the figures filled in,
    linked to the credit (once; the credit stays claimed until the client decides)."""
    from disputes.services import dispute_create

    if not speaks_for_vendor(by, credit.vendor_id):
        raise PermissionDenied("Only the vendor disputes a claim against it.")
    credit = (
        ServiceCredit.objects.select_for_update()
        .select_related("contract", "vendor")
        .get(pk=credit.pk)
    )
    if credit.status != CreditStatus.CLAIMED:
        raise ValidationError({"reason": "Only a claimed credit can be disputed."})
    if credit.dispute_id is not None:
        raise ValidationError({"reason": "This claim is already disputed."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why you dispute the claim."})
    first, last = period_bounds(PeriodKind.MONTH, credit.period_start)
    dispute = dispute_create(
        by=by,
        vendor=credit.vendor,
        type="pricing",
        title=f"Service credit {credit.contract.reference} {credit.period} disputed",
        description=(
            f"{reason.strip()}\n\nClaim: {credit.amount} {credit.currency} under "
            f"{credit.contract.reference} for {credit.period} (at risk {credit.at_risk}, "
            f"before cap {credit.before_cap}, earned {credit.earned} {credit.currency})."
        ),
        contract=credit.contract,
        disputed_amount=credit.amount,
        currency=credit.currency,
        kpi_period_start=first,
        kpi_period_end=last,
        now=now,
    )
    credit.dispute = dispute
    credit._history_user = by  # type: ignore[attr-defined]
    credit.save(update_fields=["dispute", "updated_at"])
    return credit
