"""The hooks other apps call: notice deadlines and the service-credit terms."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from contracts.models import Contract, validate_credit_allocation
from tests.contracts.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_notice_deadline_is_end_date_minus_notice_days(vendor_a):
    contract = ContractFactory(vendor=vendor_a, end_date=date(2026, 3, 31), renewal_notice_days=90)
    assert contract.notice_deadline == date(2025, 12, 31)
    contract.renewal_notice_days = 30
    contract.save(update_fields=["renewal_notice_days"])
    contract.refresh_from_db()
    assert contract.notice_deadline == date(2026, 3, 1)


def test_open_ended_contract_has_no_notice_deadline(vendor_a):
    assert ContractFactory(vendor=vendor_a, end_date=None).notice_deadline is None


def test_due_for_notice_returns_active_contracts_in_the_window(vendor_a, vendor_b):
    due = ContractFactory(vendor=vendor_a, end_date=date(2026, 4, 30), renewal_notice_days=60)
    ContractFactory(
        vendor=vendor_b, end_date=date(2026, 4, 30), renewal_notice_days=60, status="draft"
    )
    ContractFactory(vendor=vendor_b, end_date=date(2027, 4, 30))
    found = Contract.objects.due_for_notice(date(2026, 3, 1), date(2026, 3, 1))
    assert list(found) == [due]


@pytest.mark.parametrize(
    "value",
    [
        [],
        {"service_level": 101},
        {"service_level": 60, "csat": 50},
        {"unknown": 5},
        {"csat": True},
        {"csat": "NaN"},
    ],
)
def test_bad_allocations_are_refused(value):
    with pytest.raises(ValidationError):
        validate_credit_allocation(value)


def test_good_allocation_passes():
    validate_credit_allocation({"service_level": 50, "asa": "25.5", "csat": 24.5})
