from __future__ import annotations

import pytest

from contracts.models import Amendment, ScopeChange
from tests.contracts.factories import ScopeChangeFactory
from vendorhub.models import Notification

pytestmark = pytest.mark.django_db

SCOPE = {"title": "Weekend chat", "description": "Chat on Saturdays.", "price_impact": "4500"}


def test_partner_proposes_a_scope_change_and_the_owner_is_told(
    client_for, partner_a, manager, contract_a
):
    contract_a.owner = manager
    contract_a.save()
    response = client_for(partner_a).post(f"/contracts/{contract_a.pk}/scope-changes/new/", SCOPE)
    assert response.status_code == 302
    change = ScopeChange.objects.get()
    assert (change.status, change.requested_side, change.vendor_id) == (
        "proposed",
        "vendor",
        contract_a.vendor_id,
    )
    assert Notification.objects.filter(recipient=manager, kind__startswith="contracts.").exists()


def test_scope_change_writes_are_scoped(client_for, partner_b, executive, contract_a):
    url = f"/contracts/{contract_a.pk}/scope-changes/new/"
    assert client_for(partner_b).post(url, SCOPE).status_code == 404
    assert client_for(executive).post(url, SCOPE).status_code == 403
    assert not ScopeChange.objects.exists()


def test_bad_scope_change_input_is_a_field_error(client_for, partner_a, contract_a):
    response = client_for(partner_a).post(
        f"/contracts/{contract_a.pk}/scope-changes/new/", {**SCOPE, "price_impact": "lots"}
    )
    assert response.status_code == 400
    assert "price_impact" in response.context["form"].errors
    assert not ScopeChange.objects.exists()


def test_manager_decides_once(client_for, manager, partner_a, contract_a):
    change = ScopeChangeFactory(contract=contract_a, requested_by=partner_a)
    client = client_for(manager)
    url = f"/contracts/scope-changes/{change.pk}/decide/"
    client.post(url, {"status": "accepted", "note": "Agreed at QBR"})
    second = client.post(url, {"status": "rejected"}, follow=True)
    change.refresh_from_db()
    assert change.status == "accepted" and change.decided_by == manager
    assert b"already accepted" in second.content
    assert Notification.objects.filter(recipient=partner_a).exists()


def test_decide_is_403_for_partner_and_executive_404_for_other_partner(
    client_for, partner_a, partner_b, executive, contract_a
):
    change = ScopeChangeFactory(contract=contract_a, requested_by=partner_a)
    url = f"/contracts/scope-changes/{change.pk}/decide/"
    assert client_for(partner_a).post(url, {"status": "accepted"}).status_code == 403
    assert client_for(executive).post(url, {"status": "accepted"}).status_code == 403
    assert client_for(partner_b).post(url, {"status": "accepted"}).status_code == 404
    change.refresh_from_db()
    assert change.status == "proposed"


def test_manager_records_an_amendment_listing_changed_clauses(
    client_for, manager, partner_a, clause_a
):
    contract = clause_a.contract
    response = client_for(manager).post(
        f"/contracts/{contract.pk}/amendments/new/",
        {
            "reference": "Amendment 1",
            "effective_date": "2025-03-01",
            "summary": "Service level raised.",
            "clauses": [clause_a.pk],
        },
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert list(amendment.clauses.all()) == [clause_a]
    page = client_for(partner_a).get(f"/contracts/clauses/{clause_a.pk}/history/")
    assert b"Amendment 1" in page.content


def test_amendment_with_other_contracts_clause_is_refused(
    client_for, manager, contract_a, contract_b
):
    from tests.contracts.factories import ClauseFactory

    foreign = ClauseFactory(contract=contract_b, number="1.1")
    response = client_for(manager).post(
        f"/contracts/{contract_a.pk}/amendments/new/",
        {
            "reference": "A1",
            "effective_date": "2025-03-01",
            "summary": "x",
            "clauses": [foreign.pk],
        },
    )
    assert response.status_code == 400
    assert not Amendment.objects.exists()


def test_amendment_writes_are_scoped(client_for, executive, partner_b, contract_a):
    url = f"/contracts/{contract_a.pk}/amendments/new/"
    data = {"reference": "A1", "effective_date": "2025-03-01", "summary": "x"}
    assert client_for(executive).post(url, data).status_code == 403
    assert client_for(partner_b).post(url, data).status_code == 404
    assert not Amendment.objects.exists()


def test_rate_line_add_and_scoping(client_for, manager, executive, partner_b, contract_a):
    url = f"/contracts/{contract_a.pk}/rate-lines/new/"
    data = {"description": "Voice EN", "unit": "minute", "rate": "0.85"}
    assert client_for(executive).post(url, data).status_code == 403
    assert client_for(partner_b).post(url, data).status_code == 404
    bad = client_for(manager).post(url, {**data, "rate": "-1"})
    assert bad.status_code == 400
    assert client_for(manager).post(url, data).status_code == 302
    assert contract_a.rate_lines.get().vendor_id == contract_a.vendor_id
