"""Rate card lines are editable (managers) and every change is kept in their history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contracts.models import RateCardLine
from tests.contracts.factories import ContractFactory, RateCardLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(vendor_a):
    contract = ContractFactory(vendor=vendor_a, currency="EUR")
    return RateCardLineFactory(
        contract=contract, description="Voice, English", unit="minute", rate=Decimal("0.8200")
    )


def edit(client, line, **changes):
    data = {
        "description": line.description,
        "unit": line.unit,
        "rate": str(line.rate),
        "volume_band": line.volume_band,
        **changes,
    }
    return client.post(f"/contracts/rate-lines/{line.pk}/edit/", data)


def test_manager_edits_a_rate_and_the_history_keeps_the_old_one(client_for, manager, line):
    client = client_for(manager)
    assert client.get(f"/contracts/rate-lines/{line.pk}/edit/").status_code == 200
    response = edit(client, line, rate="0.8650")
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.rate == Decimal("0.8650")
    rates = [h.rate for h in RateCardLine.history.filter(id=line.pk).order_by("history_date")]
    assert rates == [Decimal("0.8200"), Decimal("0.8650")]
    assert RateCardLine.history.filter(id=line.pk).latest("history_date").history_user == manager
    page = client.get(line.contract.get_absolute_url()).content.decode()
    assert "now 0.8650 EUR" in page and "(was 0.8200)" in page


def test_bad_input_is_a_field_error_and_changes_nothing(client_for, manager, line):
    response = edit(client_for(manager), line, rate="-1")
    assert response.status_code == 400 and "rate" in response.content.decode()
    line.refresh_from_db()
    assert line.rate == Decimal("0.8200")


def test_roles(client_for, executive, partner_a, partner_b, line):
    url = f"/contracts/rate-lines/{line.pk}/edit/"
    assert client_for(partner_b).get(url).status_code == 404
    assert edit(client_for(partner_b), line, rate="1").status_code == 404
    assert client_for(partner_a).get(url).status_code == 403
    assert edit(client_for(executive), line, rate="1").status_code == 403
    line.refresh_from_db()
    assert line.rate == Decimal("0.8200")


def test_manager_corrects_an_amendment_with_history(client_for, manager, partner_a, line):
    from contracts.models import Amendment
    from tests.contracts.factories import AmendmentFactory, ClauseFactory

    clause = ClauseFactory(contract=line.contract, number="4.2")
    amendment = AmendmentFactory(contract=line.contract, created_by=manager, reference="Amd 1")
    url = f"/contracts/amendments/{amendment.pk}/edit/"
    assert client_for(partner_a).get(url).status_code == 403
    client = client_for(manager)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "reference": "Amendment No. 1",
            "effective_date": "2025-02-01",
            "summary": "Service-credit cap raised to 12 %.",
            "clauses": [clause.pk],
        },
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get(pk=amendment.pk)
    assert amendment.reference == "Amendment No. 1" and list(amendment.clauses.all()) == [clause]
    history = amendment.history.order_by("history_date")
    assert [h.reference for h in history] == ["Amd 1", "Amendment No. 1"]
    assert history.last().history_change_reason == "Edited; clauses changed: 4.2"
    assert "edited 1 time" in client.get(line.contract.get_absolute_url()).content.decode()
