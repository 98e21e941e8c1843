"""Template helpers for contracts, including the vendor-page section (one query)."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils import timezone

from contracts.models import Contract

register = template.Library()

VENDOR_SECTION_LIMIT = 10


@register.simple_tag
def notice_flag(contract: Contract, today: date | None = None) -> str:
    return contract.notice_flag(today or timezone.localdate())


@register.filter
def days_to_notice(contract: Contract, today: date | None = None) -> int | None:
    return contract.days_to_notice(today or timezone.localdate())


@register.simple_tag
def vendor_contracts(vendor, user) -> dict:
    """The vendor's contracts the user may see, soonest end first (one bounded query)."""
    contracts = list(
        Contract.objects.visible_to(user).filter(vendor=vendor).by_end_date()[:VENDOR_SECTION_LIMIT]
    )
    return {"contracts": contracts, "today": timezone.localdate()}
