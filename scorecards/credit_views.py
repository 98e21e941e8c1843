"""Service-credit pages: a vendor's credits per contract and month, and their lifecycle.

Partners see their own vendor's credits and may dispute a claim; managers claim, agree,
settle or waive; executives read. Another vendor's partner gets 404.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from vendorhub.access import can_manage, get_for_manager, get_for_user, speaks_for_vendor
from vendorhub.models import Vendor

from .models import (
    CREDIT_MOVES,
    CreditStatus,
    PeriodKind,
    ServiceCredit,
    parse_period,
    period_label,
    previous_periods,
)
from .scoring import compute_scorecards
from .services import credit_dispute, credit_transition

MONTHS_SHOWN = 12


def credit_rows(vendor: Vendor, last: date) -> list[dict]:
    """The vendor's credits for the 12 months up to ``last``, newest first: the live
    figures, or the row's (frozen when published or acted on). Two queries plus scoring."""
    starts = previous_periods(PeriodKind.MONTH, last, MONTHS_SHOWN)
    cards = compute_scorecards([vendor.pk], PeriodKind.MONTH, starts)
    rows = {
        (r.contract_id, r.period_start): r
        for r in ServiceCredit.objects.filter(
            vendor=vendor, period_start__gte=starts[0]
        ).select_related(
            "contract", "dispute", "claimed_by", "agreed_by", "settled_by", "waived_by"
        )
    }
    out = []
    for start in reversed(starts):
        seen = set()
        for credit in cards[(vendor.pk, start)].credits:
            seen.add(credit.contract_id)
            out.append(_row(start, credit.reference, credit.contract_id, credit, rows))
        for (contract_id, period), row in rows.items():
            if period == start and contract_id not in seen:  # no longer computed live
                out.append(_row(start, row.contract.reference, contract_id, None, rows))
    return out


def _row(start, reference, contract_id, live, rows) -> dict:
    row = rows.get((contract_id, start))
    frozen = row is not None and (row.published or row.status != CreditStatus.INDICATIVE)
    figures = row if frozen or live is None else live
    status = row.status if row else CreditStatus.INDICATIVE
    return {
        "period": period_label(PeriodKind.MONTH, start),
        "contract": reference,
        "contract_id": contract_id,
        "currency": figures.currency,
        "at_risk": figures.at_risk,
        "before_cap": figures.before_cap,
        "earned": figures.earned,
        "amount": row.amount if row else None,
        "status": status,
        "status_label": CreditStatus(status).label,
        "frozen": frozen,
        "record": row,
        "moves": [
            m for m in CREDIT_MOVES[status] if m != CreditStatus.CLAIMED or figures.earned > 0
        ],
    }


@login_required
@require_GET
def vendor_credits(request: HttpRequest, slug: str) -> HttpResponse:
    vendor = get_for_user(Vendor.objects.all(), request.user, slug=slug)
    today = timezone.localdate()
    last = previous_periods(PeriodKind.MONTH, today.replace(day=1), 2)[0]  # last closed
    error = None
    if request.GET.get("period"):
        try:
            kind, start = parse_period(request.GET["period"])
            if kind != PeriodKind.MONTH:
                raise ValueError("Service credits are per month: give YYYY-MM.")
            last = start
        except ValueError as exc:
            error = str(exc)
    rows = credit_rows(vendor, last)
    context = {
        "period": period_label(PeriodKind.MONTH, last),
        "period_error": error,
        "vendor": vendor,
        "rows": rows,
        "can_manage": can_manage(request.user),
        "is_vendor": speaks_for_vendor(request.user, vendor.pk),
        "statuses": CreditStatus,
    }
    return render(request, "scorecards/credits.html", context)


@login_required
@require_POST
def credit_move(request: HttpRequest, slug: str) -> HttpResponse:
    """A manager's move of one contract's credit for one month (claim, agree, settle, waive)."""
    from contracts.models import Contract

    vendor = get_for_manager(Vendor.objects.all(), request.user, slug=slug)
    back = redirect(
        reverse("scorecards:credits", kwargs={"slug": vendor.slug})
        + (f"?period={request.POST.get('period', '')}" if request.POST.get("period") else "")
    )
    try:
        contract = Contract.objects.filter(
            vendor=vendor, pk=int(request.POST.get("contract", ""))
        ).get()
        kind, start = parse_period(request.POST.get("period", ""))
        if kind != PeriodKind.MONTH:
            raise ValueError("Credits are per month.")
        raw_amount = (request.POST.get("amount") or "").strip()
        amount = Decimal(raw_amount) if raw_amount else None
    except (ValueError, InvalidOperation, Contract.DoesNotExist):
        messages.error(
            request, "Choose one of this vendor's contracts, a month and a valid amount."
        )
        return back
    try:
        row = credit_transition(
            contract=contract,
            period_start=start,
            to=request.POST.get("to", ""),
            by=request.user,
            reason=request.POST.get("reason", ""),
            amount=amount,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{contract.reference} {row.period}: credit {row.get_status_display().lower()}.",
        )
    return back


@login_required
@require_POST
def credit_dispute_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The vendor disputes a claim: a pricing dispute with the figures filled in."""
    from django.core.exceptions import PermissionDenied

    credit = get_for_user(ServiceCredit.objects.select_related("vendor"), request.user, pk=pk)
    if not speaks_for_vendor(request.user, credit.vendor_id):
        raise PermissionDenied("Only the vendor disputes a claim against it.")
    try:
        credit = credit_dispute(
            credit=credit, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("scorecards:credits", slug=credit.vendor.slug)
    messages.success(request, f"Claim disputed as {credit.dispute.reference}.")
    return redirect(credit.dispute.get_absolute_url())
