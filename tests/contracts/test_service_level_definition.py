"""The contract's public service-level definition: fields, page, API, validation."""

from __future__ import annotations

import pytest

from contracts.models import Contract
from tests.contracts.factories import ContractFactory
from tests.contracts.test_contract_pages import contract_payload

pytestmark = pytest.mark.django_db

API_CONTRACT = {
    "vendor": "acme-contact",
    "reference": "SL-001",
    "title": "Voice SOW",
    "status": "active",
    "effective_date": "2025-01-01",
    "pricing_model": "per_contact",
    "currency": "EUR",
    "renewal_notice_days": 60,
}


def test_a_new_contract_has_the_default_definition(api_for, manager, vendor_a):
    response = api_for(manager).post("/api/v1/contracts/", API_CONTRACT, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["service_level_threshold_seconds"] == 20
    assert body["abandon_treatment"] == "count_against"
    assert body["short_abandon_seconds"] == 5


def test_the_api_writes_the_definition(api_for, manager, vendor_a):
    payload = {
        **API_CONTRACT,
        "service_level_threshold_seconds": 30,
        "abandon_treatment": "exclude",
        "short_abandon_seconds": 10,
    }
    response = api_for(manager).post("/api/v1/contracts/", payload, format="json")
    assert response.status_code == 201, response.json()
    contract = Contract.objects.get(reference="SL-001")
    assert (
        contract.service_level_threshold_seconds,
        contract.abandon_treatment,
        contract.short_abandon_seconds,
    ) == (30, "exclude", 10)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("abandon_treatment", "ignore_them"),
        ("service_level_threshold_seconds", 0),
        ("service_level_threshold_seconds", -5),
        ("short_abandon_seconds", 601),
    ],
)
def test_a_bad_definition_is_a_field_error(api_for, manager, vendor_a, field, value):
    response = api_for(manager).post(
        "/api/v1/contracts/", {**API_CONTRACT, field: value}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Contract.objects.filter(reference="SL-001").exists()


def test_the_form_saves_the_definition(client_for, manager, vendor_a):
    response = client_for(manager).post(
        "/contracts/new/",
        contract_payload(
            vendor_a,
            service_level_threshold_seconds="15",
            abandon_treatment="count_for",
            short_abandon_seconds="0",
        ),
    )
    assert response.status_code == 302
    contract = Contract.objects.get(reference="SOW-2025-900")
    assert contract.service_level_threshold_seconds == 15
    assert contract.abandon_treatment == "count_for"
    assert contract.short_abandon_seconds == 0


def test_the_contract_page_states_the_definition_in_words(client_for, partner_a, vendor_a):
    contract = ContractFactory(
        vendor=vendor_a,
        service_level_threshold_seconds=30,
        abandon_treatment="exclude",
        short_abandon_seconds=8,
    )
    html = client_for(partner_a).get(contract.get_absolute_url()).content.decode()
    assert "Answered within 30 s" in html
    assert "leave out of the service level" in html
    assert "abandons within 8 s are short" in html
    assert "answered within threshold ÷ answered" in html
    assert "exclude" not in html.split("Service-level definition")[1][:400]  # no raw code


def test_partner_and_executive_cannot_change_the_definition(
    api_for, partner_a, executive, vendor_a
):
    contract = ContractFactory(vendor=vendor_a)
    for user in (partner_a, executive):
        response = api_for(user).patch(
            f"/api/v1/contracts/{contract.pk}/", {"abandon_treatment": "count_for"}, format="json"
        )
        assert response.status_code == 403
    contract.refresh_from_db()
    assert contract.abandon_treatment == "count_against"
