from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from contracts.models import Contract
from tests.contracts.factories import ClauseFactory, ContractFactory

pytestmark = pytest.mark.django_db


def contract_payload(vendor, **overrides):
    data = {
        "vendor": vendor.pk,
        "reference": "SOW-2025-900",
        "title": "Chat support SOW",
        "status": "active",
        "effective_date": "2025-01-01",
        "end_date": "2026-12-31",
        "renewal_notice_days": "90",
        "termination_notice_days": "60",
        "pricing_model": "per_contact",
        "currency": "EUR",
        "monthly_fee": "50000",
        "service_credit_at_risk_percent": "10",
        "service_credit_cap_percent": "12",
        "service_credit_allocation": '{"service_level": 60, "csat": 40}',
        "service_level_threshold_seconds": "20",
        "abandon_treatment": "count_against",
        "short_abandon_seconds": "5",
    }
    data.update(overrides)
    return data


def test_list_shows_only_the_partners_own_contracts(client_for, partner_a, contract_a, contract_b):
    response = client_for(partner_a).get("/contracts/")
    assert response.status_code == 200
    assert b"MSA-A-001" in response.content
    assert b"MSA-B-001" not in response.content


def test_list_filters_by_status(client_for, manager, vendor_a, contract_a):
    ContractFactory(vendor=vendor_a, reference="OLD-1", status="expired")
    response = client_for(manager).get("/contracts/", {"status": "expired"})
    assert b"OLD-1" in response.content
    assert b"MSA-A-001" not in response.content


def test_list_htmx_returns_only_the_results(client_for, manager, contract_a):
    response = client_for(manager).get("/contracts/", HTTP_HX_REQUEST="true")
    assert b'id="results"' in response.content
    assert b"<html" not in response.content


def test_list_query_count_does_not_grow(
    client_for, manager, vendor_a, vendor_b, django_assert_max_num_queries
):
    for i in range(12):
        contract = ContractFactory(vendor=vendor_a if i % 2 else vendor_b)
        ClauseFactory(contract=contract)
    client = client_for(manager)
    with django_assert_max_num_queries(8):
        response = client.get("/contracts/")
    assert response.content.count(b"MSA-2025-") >= 12


def test_renewal_timeline_flags_a_near_deadline(client_for, manager, vendor_a):
    today = timezone.localdate()
    ContractFactory(
        vendor=vendor_a,
        reference="SOON-1",
        end_date=today + timedelta(days=120),
        renewal_notice_days=90,
    )
    ContractFactory(vendor=vendor_a, reference="LATER-1", end_date=today + timedelta(days=900))
    response = client_for(manager).get("/contracts/renewals/")
    content = response.content.decode()
    assert "renewal-soon" in content
    assert content.index("SOON-1") < content.index("LATER-1")


def test_renewal_timeline_query_count_does_not_grow(
    client_for, partner_a, vendor_a, django_assert_max_num_queries
):
    for i in range(10):
        ContractFactory(vendor=vendor_a, end_date=date(2027, 1, 1) + timedelta(days=i))
    client = client_for(partner_a)
    with django_assert_max_num_queries(7):
        response = client.get("/contracts/renewals/")
    assert response.status_code == 200


def test_detail_hides_internal_notes_from_partner(client_for, partner_a, contract_a, clause_a):
    response = client_for(partner_a).get(f"/contracts/{contract_a.pk}/")
    assert response.status_code == 200
    assert b"80% of calls answered within 20 seconds" in response.content
    assert b"Secret plan B" not in response.content


def test_detail_shows_internal_notes_to_executive(client_for, executive, contract_a):
    response = client_for(executive).get(f"/contracts/{contract_a.pk}/")
    assert b"Secret plan B" in response.content
    assert b"Edit contract" not in response.content


def test_detail_of_other_vendor_is_404_for_partner(client_for, partner_b, contract_a):
    assert client_for(partner_b).get(f"/contracts/{contract_a.pk}/").status_code == 404


def test_manager_creates_contract(client_for, manager, vendor_a):
    response = client_for(manager).post("/contracts/new/", contract_payload(vendor_a))
    contract = Contract.objects.get(reference="SOW-2025-900")
    assert response.status_code == 302
    assert contract.notice_deadline == date(2026, 10, 2)
    assert contract.service_credit_allocation == {"service_level": 60, "csat": 40}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("end_date", "2024-01-01"),
        ("service_credit_allocation", '{"service_level": 80, "csat": 40}'),
        ("service_credit_allocation", '{"made_up": 10}'),
        ("currency", "euro"),
        ("service_credit_at_risk_percent", "120"),
    ],
)
def test_bad_contract_input_gives_field_error_and_saves_nothing(
    client_for, manager, vendor_a, field, value
):
    response = client_for(manager).post(
        "/contracts/new/", contract_payload(vendor_a, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Contract.objects.exists()


def test_executive_may_not_create_or_edit(client_for, executive, vendor_a, contract_a):
    client = client_for(executive)
    assert client.get("/contracts/new/").status_code == 403
    assert client.post("/contracts/new/", contract_payload(vendor_a)).status_code == 403
    edit = client.post(f"/contracts/{contract_a.pk}/edit/", contract_payload(vendor_a))
    assert edit.status_code == 403
    contract_a.refresh_from_db()
    assert contract_a.reference == "MSA-A-001"


def test_partner_of_other_vendor_gets_404_on_edit(client_for, partner_b, contract_a):
    assert client_for(partner_b).get(f"/contracts/{contract_a.pk}/edit/").status_code == 404


def test_partner_may_not_create(client_for, partner_a, vendor_a):
    assert (
        client_for(partner_a).post("/contracts/new/", contract_payload(vendor_a)).status_code == 403
    )


def test_manager_edits_contract_and_history_is_kept(client_for, manager, vendor_a, contract_a):
    payload = contract_payload(vendor_a, reference="MSA-A-001", title="Renamed MSA")
    response = client_for(manager).post(f"/contracts/{contract_a.pk}/edit/", payload)
    assert response.status_code == 302
    contract_a.refresh_from_db()
    assert contract_a.title == "Renamed MSA"
    assert contract_a.history.count() == 2


def test_vendor_page_lists_contracts_with_notice_deadline(
    client_for, partner_a, contract_a, contract_b
):
    response = client_for(partner_a).get(f"/vendors/{contract_a.vendor.slug}/")
    assert b"MSA-A-001" in response.content
    assert b"MSA-B-001" not in response.content
    assert b"2 Oct 2026" in response.content


def test_contract_cannot_move_to_another_vendor(client_for, manager, vendor_b, contract_a):
    payload = contract_payload(vendor_b, reference="MSA-A-001")
    response = client_for(manager).post(f"/contracts/{contract_a.pk}/edit/", payload)
    assert response.status_code == 200
    assert "vendor" in response.context["form"].errors
    contract_a.refresh_from_db()
    assert contract_a.vendor.slug == "acme-contact"
