"""Logging disputes: types, references, who may raise, field errors."""

from __future__ import annotations

import re

import pytest

from contracts.models import Clause
from disputes.models import Dispute
from tests.contracts.factories import ClauseFactory, ContractFactory


@pytest.mark.parametrize("kind", ["underperformance", "breach", "pricing", "miscommunication"])
def test_each_type_is_accepted_through_the_api(kind, manager, vendor_a, api_for):
    body = {
        "vendor": vendor_a.slug,
        "type": kind,
        "severity": "high",
        "title": f"A {kind} dispute",
        "description": "Facts.",
    }
    if kind == "pricing":
        body |= {"disputed_amount": "1250.00", "currency": "EUR"}
    response = api_for(manager).post("/api/v1/disputes/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["type"] == kind
    assert re.fullmatch(r"DSP-\d{4}-\d{4}", data["reference"])
    assert data["status"] == "open"
    assert data["raised_by"] == "manager" and data["raised_by_side"] == "client"


def test_unknown_type_is_refused_with_a_field_error(manager, vendor_a, api_for):
    response = api_for(manager).post(
        "/api/v1/disputes/",
        {"vendor": vendor_a.slug, "type": "rudeness", "title": "x", "description": "y"},
        format="json",
    )
    assert response.status_code == 400
    assert "type" in response.json()
    assert not Dispute.objects.exists()


def test_references_are_sequential_per_year(manager, vendor_a, api_for):
    api = api_for(manager)
    refs = [
        api.post(
            "/api/v1/disputes/",
            {"vendor": vendor_a.slug, "type": "pricing", "title": f"t{i}", "description": "d"},
            format="json",
        ).json()["reference"]
        for i in range(3)
    ]
    seqs = [int(r.rsplit("-", 1)[1]) for r in refs]
    assert seqs == [seqs[0], seqs[0] + 1, seqs[0] + 2]


def test_partner_raises_for_own_vendor_starting_open_on_vendor_side(partner_a, vendor_a, api_for):
    response = api_for(partner_a).post(
        "/api/v1/disputes/",
        {
            "vendor": vendor_a.slug,
            "type": "miscommunication",
            "title": "Forecast not shared",
            "description": "We got the volume forecast two days late three times.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "open" and data["raised_by_side"] == "vendor"
    assert data["response_clock"]["state"] == "n/a"


def test_partner_cannot_raise_for_another_vendor(partner_b, vendor_a, api_for):
    response = api_for(partner_b).post(
        "/api/v1/disputes/",
        {"vendor": vendor_a.slug, "type": "pricing", "title": "x", "description": "y"},
        format="json",
    )
    assert response.status_code == 400
    assert "vendor" in response.json()
    assert not Dispute.objects.exists()


def test_executive_gets_403_on_create(executive, vendor_a, api_for, client_for):
    response = api_for(executive).post(
        "/api/v1/disputes/",
        {"vendor": vendor_a.slug, "type": "pricing", "title": "x", "description": "y"},
        format="json",
    )
    assert response.status_code == 403
    assert client_for(executive).get("/disputes/new/").status_code == 403
    assert not Dispute.objects.exists()


def test_breach_needs_the_clause_when_the_vendor_has_clauses(manager, vendor_a, api_for):
    contract = ContractFactory(vendor=vendor_a)
    clause = ClauseFactory(contract=contract, number="4.2", category="service_level")
    api = api_for(manager)
    base = {"vendor": vendor_a.slug, "type": "breach", "title": "SLA", "description": "facts"}
    response = api.post("/api/v1/disputes/", base, format="json")
    assert response.status_code == 400
    assert "clause" in response.json()
    response = api.post("/api/v1/disputes/", base | {"clause": clause.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["contract"] == contract.pk  # filled from the clause


def test_clause_of_another_vendor_is_refused(manager, vendor_a, vendor_b, api_for):
    other = ClauseFactory(contract=ContractFactory(vendor=vendor_b))
    response = api_for(manager).post(
        "/api/v1/disputes/",
        {
            "vendor": vendor_a.slug,
            "type": "breach",
            "title": "x",
            "description": "y",
            "clause": other.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "clause" in response.json()
    assert Clause.objects.count() == 1 and not Dispute.objects.exists()


def test_pricing_amount_needs_a_currency(manager, vendor_a, api_for):
    response = api_for(manager).post(
        "/api/v1/disputes/",
        {
            "vendor": vendor_a.slug,
            "type": "pricing",
            "title": "x",
            "description": "y",
            "disputed_amount": "10",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "currency" in response.json()


def test_kpi_is_given_by_code(manager, vendor_a, api_for):
    from scorecards.models import KPI

    kpi = KPI.objects.order_by("pk").first() or KPI.objects.create(code="aht", name="AHT")
    response = api_for(manager).post(
        "/api/v1/disputes/",
        {
            "vendor": vendor_a.slug,
            "type": "underperformance",
            "title": "x",
            "description": "y",
            "kpi": kpi.code,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["kpi"] == kpi.code


def test_create_page_logs_a_dispute_and_shows_it(manager, vendor_a, client_for):
    client = client_for(manager)
    page = client.get(f"/disputes/new/?vendor={vendor_a.slug}")
    assert page.status_code == 200
    response = client.post(
        "/disputes/new/",
        {
            "vendor": vendor_a.slug,
            "type": "pricing",
            "severity": "low",
            "title": "Invoice March counts transfers twice",
            "description": "Lines 14-20.",
            "disputed_amount": "980.50",
            "currency": "eur",
        },
    )
    dispute = Dispute.objects.get()
    assert response.status_code == 302 and response.url == dispute.get_absolute_url()
    assert dispute.currency == "EUR" and dispute.owner == manager


def test_create_page_shows_field_errors_and_saves_nothing(manager, vendor_a, client_for):
    response = client_for(manager).post(
        "/disputes/new/", {"vendor": vendor_a.slug, "type": "nonsense", "title": ""}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"type", "title", "description"} <= set(form.errors)
    assert not Dispute.objects.exists()


def test_partner_create_page_is_fixed_to_own_vendor(partner_a, vendor_b, client_for):
    response = client_for(partner_a).post(
        "/disputes/new/",
        {
            "vendor": vendor_b.slug,
            "type": "pricing",
            "severity": "low",
            "title": "x",
            "description": "y",
        },
    )
    assert response.status_code == 200
    assert "vendor" in response.context["form"].errors
    assert not Dispute.objects.exists()
