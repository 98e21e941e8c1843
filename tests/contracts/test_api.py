from __future__ import annotations

import pytest

from contracts.models import Clause, Contract, ScopeChange
from tests.contracts.factories import ClauseFactory, ContractFactory

pytestmark = pytest.mark.django_db

CONTRACT = {
    "vendor": "acme-contact",
    "reference": "API-001",
    "title": "Voice SOW",
    "status": "active",
    "effective_date": "2025-01-01",
    "end_date": "2026-06-30",
    "pricing_model": "per_minute",
    "currency": "USD",
    "renewal_notice_days": 60,
}


def test_manager_creates_a_contract_with_public_fields(api_for, manager, vendor_a):
    response = api_for(manager).post("/api/v1/contracts/", CONTRACT, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["vendor"] == "acme-contact"
    assert body["notice_deadline"] == "2026-05-01"
    assert Contract.objects.get(reference="API-001").vendor == vendor_a


def test_bad_contract_input_is_400_with_field_errors(api_for, manager, vendor_a):
    bad = {**CONTRACT, "end_date": "2020-01-01", "pricing_model": "per_vibe"}
    response = api_for(manager).post("/api/v1/contracts/", bad, format="json")
    assert response.status_code == 400
    assert "pricing_model" in response.json()
    bad_dates = {**CONTRACT, "end_date": "2020-01-01"}
    response = api_for(manager).post("/api/v1/contracts/", bad_dates, format="json")
    assert response.status_code == 400
    assert "end_date" in response.json()
    assert not Contract.objects.exists()


def test_bad_allocation_is_a_field_error(api_for, manager, vendor_a):
    bad = {**CONTRACT, "service_credit_allocation": {"service_level": "lots"}}
    response = api_for(manager).post("/api/v1/contracts/", bad, format="json")
    assert response.status_code == 400
    assert "service_credit_allocation" in response.json()


def test_executive_and_partner_get_403_on_writes(api_for, executive, partner_a, contract_a):
    for user in (executive, partner_a):
        api = api_for(user)
        assert api.post("/api/v1/contracts/", CONTRACT, format="json").status_code == 403
        patch = api.patch(f"/api/v1/contracts/{contract_a.pk}/", {"title": "x"}, format="json")
        assert patch.status_code == 403
    contract_a.refresh_from_db()
    assert contract_a.title != "x"


def test_other_partner_gets_404(api_for, partner_b, contract_a, clause_a):
    api = api_for(partner_b)
    assert api.get(f"/api/v1/contracts/{contract_a.pk}/").status_code == 404
    assert api.get(f"/api/v1/clauses/{clause_a.pk}/").status_code == 404
    assert api.get("/api/v1/contracts/").json()["count"] == 0


def test_partner_reads_own_contract_without_internal_notes(api_for, partner_a, contract_a):
    body = api_for(partner_a).get(f"/api/v1/contracts/{contract_a.pk}/").json()
    assert body["reference"] == "MSA-A-001"
    assert "internal_notes" not in body


def test_manager_cannot_create_for_unknown_vendor(api_for, manager):
    response = api_for(manager).post(
        "/api/v1/contracts/", {**CONTRACT, "vendor": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "vendor" in response.json()


def test_contract_list_query_count_does_not_grow(
    api_for, manager, vendor_a, vendor_b, django_assert_max_num_queries
):
    for i in range(12):
        ContractFactory(vendor=vendor_a if i % 2 else vendor_b)
    api = api_for(manager)
    with django_assert_max_num_queries(5):
        response = api.get("/api/v1/contracts/")
    assert response.json()["count"] == 12


def test_clause_create_update_and_duplicate_number(api_for, manager, contract_a):
    api = api_for(manager)
    data = {
        "contract": contract_a.pk,
        "number": "7.1",
        "heading": "Governance",
        "body": "Monthly business review.",
        "category": "governance",
    }
    created = api.post("/api/v1/clauses/", data, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["vendor"] == "acme-contact"
    again = api.post("/api/v1/clauses/", data, format="json")
    assert again.status_code == 400 and "number" in again.json()
    clause_id = created.json()["id"]
    patched = api.patch(
        f"/api/v1/clauses/{clause_id}/", {"body": "Quarterly review."}, format="json"
    )
    assert patched.status_code == 200
    clause = Clause.objects.get(pk=clause_id)
    assert clause.body == "Quarterly review." and clause.history.count() == 2


def test_clause_bad_category_is_a_field_error(api_for, manager, contract_a):
    response = api_for(manager).post(
        "/api/v1/clauses/",
        {
            "contract": contract_a.pk,
            "number": "1",
            "heading": "x",
            "body": "y",
            "category": "vibes",
        },
        format="json",
    )
    assert response.status_code == 400 and "category" in response.json()
    assert not Clause.objects.exists()


def test_manager_cannot_attach_clause_to_missing_contract(api_for, manager):
    response = api_for(manager).post(
        "/api/v1/clauses/",
        {"contract": 999, "number": "1", "heading": "x", "body": "y", "category": "other"},
        format="json",
    )
    assert response.status_code == 400 and "contract" in response.json()


def test_clause_writes_are_403_for_executive(api_for, executive, clause_a):
    api = api_for(executive)
    assert (
        api.patch(f"/api/v1/clauses/{clause_a.pk}/", {"body": "x"}, format="json").status_code
        == 403
    )
    assert api.post("/api/v1/clauses/", {}, format="json").status_code == 403


def test_clause_filter_by_contract_and_search(api_for, manager, clause_a, contract_b):
    ClauseFactory(contract=contract_b, number="1.1", body="Data protection obligations.")
    api = api_for(manager)
    by_contract = api.get("/api/v1/clauses/", {"contract": clause_a.contract_id}).json()
    assert [c["number"] for c in by_contract["results"]] == ["4.2"]
    searched = api.get("/api/v1/clauses/", {"search": "protection"}).json()
    assert [c["number"] for c in searched["results"]] == ["1.1"]


def test_partner_search_never_returns_other_vendor(api_for, partner_b, clause_a):
    response = api_for(partner_b).get("/api/v1/clauses/", {"search": "calls"})
    assert response.json()["count"] == 0


def test_clause_list_query_count_does_not_grow(
    api_for, partner_a, contract_a, django_assert_max_num_queries
):
    for i in range(15):
        ClauseFactory(contract=contract_a, number=f"3.{i + 1}")
    api = api_for(partner_a)
    with django_assert_max_num_queries(5):
        response = api.get("/api/v1/clauses/")
    assert response.json()["count"] == 15


def test_partner_proposes_scope_change_via_api(
    api_for, partner_a, partner_b, executive, contract_a
):
    data = {
        "contract": contract_a.pk,
        "title": "IVR change",
        "description": "New menu.",
        "price_impact": "1200.00",
    }
    created = api_for(partner_a).post("/api/v1/scope-changes/", data, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "proposed"
    assert created.json()["requested_side"] == "vendor"
    other = api_for(partner_b).post("/api/v1/scope-changes/", data, format="json")
    assert other.status_code == 400 and "contract" in other.json()
    assert api_for(executive).post("/api/v1/scope-changes/", data, format="json").status_code == 403
    assert ScopeChange.objects.count() == 1
    assert api_for(partner_b).get("/api/v1/scope-changes/").json()["count"] == 0


def test_api_refuses_moving_a_contract_to_another_vendor(api_for, manager, vendor_b, contract_a):
    response = api_for(manager).patch(
        f"/api/v1/contracts/{contract_a.pk}/", {"vendor": "borealis-cx"}, format="json"
    )
    assert response.status_code == 400 and "vendor" in response.json()
    contract_a.refresh_from_db()
    assert contract_a.vendor.slug == "acme-contact"
