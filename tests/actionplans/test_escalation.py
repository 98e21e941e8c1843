"""A failed plan escalates its open dispute, or opens a breach dispute citing the
clause; managers only, once."""

from __future__ import annotations

import pytest

from disputes.models import Dispute
from tests.actionplans.factories import agree, make_plan
from tests.contracts.factories import ClauseFactory, ContractFactory
from tests.disputes.factories import make_dispute

pytestmark = pytest.mark.django_db


def _failed(plan, manager):
    agree(plan, manager)
    from actionplans import services

    return services.plan_transition(plan=plan, to="failed", by=manager, note="Missed")


def test_failed_plan_escalates_its_open_dispute(api_for, manager, partner_a, executive, vendor_a):
    dispute = make_dispute(vendor=vendor_a, by=manager)
    plan = _failed(make_plan(vendor=vendor_a, by=partner_a, dispute=dispute), manager)
    url = f"/api/v1/action-plans/{plan.pk}/escalate/"
    assert api_for(partner_a).post(url, {}, format="json").status_code == 403
    assert api_for(executive).post(url, {}, format="json").status_code == 403
    response = api_for(manager).post(url, {"note": "Two misses in a row"}, format="json")
    assert response.status_code == 200, response.content
    dispute.refresh_from_db()
    assert dispute.status == "escalated"
    assert response.json()["escalated_dispute"] == dispute.pk
    assert "failed" in dispute.events.last().body
    assert api_for(manager).post(url, {}, format="json").status_code == 400  # once


def test_failed_plan_without_open_dispute_opens_a_breach_citing_the_clause(
    client_for, manager, partner_a, vendor_a
):
    contract = ContractFactory(vendor=vendor_a)
    clause = ClauseFactory(contract=contract, number="4.2", heading="Service level")
    plan = _failed(make_plan(vendor=vendor_a, by=partner_a, clause=clause), manager)
    body = client_for(manager).get(plan.get_absolute_url()).content.decode()
    assert "Open a breach dispute" in body
    response = client_for(manager).post(f"/action-plans/{plan.pk}/escalate/", {"note": "x"})
    assert response.status_code == 302
    breach = Dispute.objects.get(type="breach")
    assert (breach.clause, breach.contract, breach.vendor) == (clause, contract, vendor_a)
    assert plan.reference in breach.description
    plan.refresh_from_db()
    assert plan.escalated_dispute == breach
    assert plan.events.filter(kind="escalation").count() == 1


def test_breach_needs_a_clause_and_a_running_plan_cannot_escalate(
    client_for, manager, partner_a, partner_b, vendor_a
):
    plan = make_plan(vendor=vendor_a, by=partner_a)
    url = f"/action-plans/{plan.pk}/escalate/"
    assert client_for(manager).post(url).status_code == 400
    _failed(plan, manager)
    response = client_for(manager).post(url)
    assert response.status_code == 400
    assert "clause" in response.content.decode()
    assert not Dispute.objects.exists()
    assert client_for(partner_a).post(url).status_code == 403
    assert client_for(partner_b).post(url).status_code == 404
