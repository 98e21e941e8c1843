"""Renewal and expiry of contracts whose end date has passed (SPEC section 6, "Money").

An active contract with ``auto_renewal`` whose ``end_date`` is before today rolls
forward by whole terms of ``renewal_term_months`` until it ends today or later; an
active contract without auto-renewal past its end date becomes ``expired``. Each change
is recorded in the contract's history (with the reason) and told to its owner (or the
vendor's relationship owner, or every manager). Its ``notice_deadline`` moves with the
end date, so the 90/60/30-day notice reminders start again for the new term: their
unique key holds the deadline, which names the term (``contracts.reminders``).

A contract's end date is its last day: a contract ending on 31 March is still active on
31 March and rolls (or expires) on 1 April.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from vendorhub.notifications import notify
from vendorhub.reminders import or_managers

from .models import Contract, ContractStatus, renewed_end

RENEWED = "renewed"
EXPIRED = "expired"


@transaction.atomic
def contract_renew_or_expire(*, contract_id: int, today: date, now: datetime) -> str | None:
    """Roll or expire one contract if its end date has passed; ``None`` if nothing to do.

    The row is locked and re-read, so concurrent sweeps roll a contract once.
    """
    contract = (
        Contract.objects.select_for_update(of=("self",))
        .select_related("vendor__relationship_owner", "owner")
        .filter(pk=contract_id)
        .first()
    )
    if (
        contract is None
        or contract.status != ContractStatus.ACTIVE
        or contract.end_date is None
        or contract.end_date >= today
    ):
        return None
    old_end = contract.end_date
    recipients = or_managers([contract.owner or contract.vendor.relationship_owner])
    if contract.auto_renewal:
        terms = contract.renewal_due(today)
        contract.end_date = renewed_end(old_end, contract.renewal_term_months, terms)
        months = contract.renewal_term_months
        reason = (
            f"Auto-renewed by {terms} term{'s' if terms > 1 else ''} of {months} "
            f"month{'s' if months > 1 else ''}: end date {old_end:%d %b %Y} → "
            f"{contract.end_date:%d %b %Y}"
        )
        contract._change_reason = reason  # type: ignore[attr-defined]
        contract.save(update_fields=["end_date", "updated_at"])
        message = (
            f"{contract.vendor.name} · {contract.reference} renewed itself: it now ends "
            f"on {contract.end_date:%d %b %Y}; notice is due by "
            f"{contract.notice_deadline:%d %b %Y}."
        )
        outcome = RENEWED
    else:
        contract.status = ContractStatus.EXPIRED
        contract._change_reason = (  # type: ignore[attr-defined]
            f"Expired: ended on {old_end:%d %b %Y} without auto-renewal"
        )
        contract.save(update_fields=["status", "updated_at"])
        message = (
            f"{contract.vendor.name} · {contract.reference} expired: it ended on "
            f"{old_end:%d %b %Y} and does not renew itself."
        )
        outcome = EXPIRED
    # Exactly once: the change above happens once under the row lock, in this transaction.
    notify(
        recipients=recipients,
        kind=f"contract.{outcome}",
        message=message,
        url=contract.get_absolute_url(),
        vendor=contract.vendor,
        now=now,
    )
    from scorecards.services import measurement_values_refresh

    # Which contract's service-level definition covers the months after the old end
    # date changed: stored values of unpublished count rows follow.
    measurement_values_refresh(vendor_ids=[contract.vendor_id])
    return outcome
