"""Reminder sweeps for contracts: renewals and expiries of contracts past their end date
(first, so that reminders follow the new term in the same run), then the last day to
give notice, 90, 60 and 30 days ahead."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.utils import timezone

from vendorhub.reminders import (
    isolated,
    keyset_chunks,
    or_managers,
    register,
    register_relevance,
    remind,
)

from .models import Contract
from .renewals import contract_renew_or_expire

DEFAULT_STAGES = (90, 60, 30)


@register("contracts.renewals")
def sweep_renewals(now: datetime) -> int:
    """Roll auto-renewing contracts past their end date by whole terms and expire the
    others (``contracts.renewals``). Runs with every ``send_reminders`` (command and
    beat); a contract is changed once, so repeated runs in a day do nothing more."""
    today = timezone.localdate(now, timezone.UTC)
    changed = 0
    due = Contract.objects.active().filter(end_date__lt=today).only("pk")
    for chunk in keyset_chunks(due, 500):
        for contract in chunk:
            changed += isolated(
                contract,
                lambda pk=contract.pk: int(
                    contract_renew_or_expire(contract_id=pk, today=today, now=now) is not None
                ),
            )
    return changed


@register("contracts")
def sweep_notice_deadlines(now: datetime) -> int:
    """Tell the contract owner (or the vendor's relationship owner, or every manager) as
    each stage before the notice deadline arrives. A stage missed while the sweeps were
    down is still sent, but only the latest one due, so nobody gets three at once."""
    stages = sorted(getattr(settings, "CONTRACT_NOTICE_REMINDER_DAYS", DEFAULT_STAGES))
    today = timezone.localdate(now, timezone.UTC)
    sent = 0
    contracts = Contract.objects.due_for_notice(
        today, today + timedelta(days=max(stages))
    ).select_related("vendor__relationship_owner", "owner")
    for chunk in keyset_chunks(contracts, 500):
        for contract in chunk:
            sent += isolated(contract, partial(_remind_notice, contract, stages, today, now))
    return sent


def _remind_notice(contract: Contract, stages: list[int], today: date, now: datetime) -> int:
    days_left = (contract.notice_deadline - today).days
    stage = min(s for s in stages if s >= days_left)
    recipients = or_managers([contract.owner or contract.vendor.relationship_owner])
    deadline = contract.notice_deadline
    return int(
        remind(
            kind="contract.notice_deadline",
            obj=contract,
            stage=f"{stage}d",
            due_at=deadline,
            recipients=recipients,
            message=f"{contract.vendor.name} · {contract.reference}: the last day to give "
            f"notice is {deadline:%d %b %Y} ({days_left} days)",
            url=contract.get_absolute_url(),
            vendor=contract.vendor,
            now=now,
        )
    )


@register_relevance("contracts.contract")
def contracts_still_active(ids: set[int]) -> set[int]:
    return set(Contract.objects.filter(pk__in=ids).active().values_list("pk", flat=True))
