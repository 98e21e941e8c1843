"""The library KPIs invoices read (issue 11): contacts handled and handle minutes."""

from __future__ import annotations

import pytest

from contracts.models import KPI_CODES
from scorecards.models import KPI
from tests.contracts.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_the_library_has_the_volume_kpis_with_sum_aggregation(api_for, executive):
    rows = {
        k["code"]: k
        for k in api_for(executive).get("/api/v1/kpis/?page_size=100").json()["results"]
    }
    assert rows["contacts_handled"]["aggregation"] == "sum"
    assert rows["contacts_handled"]["unit"] == "count"
    assert rows["handle_minutes"]["aggregation"] == "sum"
    assert rows["handle_minutes"]["unit"] == "minutes"
    assert KPI.objects.get(code="handle_minutes").is_library


def test_contracts_may_allocate_credits_to_them(vendor_a):
    assert {"contacts_handled", "handle_minutes"} <= set(KPI_CODES)
    contract = ContractFactory(vendor=vendor_a, service_credit_allocation={"contacts_handled": 10})
    contract.full_clean()
