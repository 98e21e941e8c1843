"""The service-credit lifecycle per contract and month (issue 11): indicative → claimed →
agreed → settled, or waived with a reason; the vendor disputes a claim; publishing
freezes the figures. Pages and API, for every role."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contracts.models import Contract
from disputes.models import Dispute
from scorecards.models import ServiceCredit
from scorecards.services import scorecard_publish
from tests.scorecards.test_service_credits import _eur, _red, _target, _usd
from vendorhub.models import Notification

pytestmark = pytest.mark.django_db
MARCH = date(2025, 3, 1)


@pytest.fixture
def usd(vendor_a):
    """MSA-USD: service level red in March 2025 → 5,000.00 USD earned (10 % of 100,000,
    half of it allocated to service level; no cap)."""
    contract = _usd(vendor_a)
    _target(vendor_a, "service_level", contract)
    _red(vendor_a, "service_level", date(2025, 3, 3))
    return contract


def move(client, vendor, contract, to, period="2025-03", **extra):
    return client.post(
        f"/scorecards/vendor/{vendor.slug}/credits/move/",
        {"contract": contract.pk, "period": period, "to": to, **extra},
    )


def credit(contract) -> ServiceCredit:
    return ServiceCredit.objects.get(contract=contract, period_start=MARCH)


def test_manager_claims_agrees_and_settles_with_who_and_when(
    client_for, manager, partner_a, vendor_a, usd
):
    client = client_for(manager)
    page = client.get(
        f"/scorecards/vendor/{vendor_a.slug}/credits/?period=2025-03"
    ).content.decode()
    assert "5,000.00 USD" in page and "Indicative" in page
    move(client, vendor_a, usd, "claimed")
    row = credit(usd)
    assert (row.status, row.amount, row.claimed_by) == ("claimed", Decimal("5000.00"), manager)
    assert Notification.objects.filter(recipient=partner_a, kind="credit.claimed").exists()
    move(client, vendor_a, usd, "agreed", amount="4500.00")
    move(client, vendor_a, usd, "settled")
    row = credit(usd)
    assert (row.status, row.amount) == ("settled", Decimal("4500.00"))
    assert row.agreed_by == manager and row.settled_by == manager and row.settled_at
    page = client.get(
        f"/scorecards/vendor/{vendor_a.slug}/credits/?period=2025-03"
    ).content.decode()
    assert "Settled" in page and "agreed 4,500.00" in page


def test_waiving_needs_a_reason(client_for, manager, vendor_a, usd):
    client = client_for(manager)
    move(client, vendor_a, usd, "waived", reason="")
    assert not ServiceCredit.objects.filter(contract=usd, status="waived").exists()
    move(client, vendor_a, usd, "waived", reason="Outage caused by our own carrier")
    row = credit(usd)
    assert (row.status, row.reason, row.waived_by) == (
        "waived",
        "Outage caused by our own carrier",
        manager,
    )


def test_illegal_moves_change_nothing(client_for, manager, vendor_a, usd):
    client = client_for(manager)
    move(client, vendor_a, usd, "settled")  # not claimed nor agreed
    move(client, vendor_a, usd, "claimed", period="2099-01")  # an open month
    assert not ServiceCredit.objects.filter(contract=usd).exclude(status="indicative").exists()
    move(client, vendor_a, usd, "claimed")
    move(client, vendor_a, usd, "agreed", amount="6000.00")  # more than earned
    assert credit(usd).status == "claimed"


def test_nothing_earned_cannot_be_claimed(client_for, manager, vendor_b):
    contract = _usd(vendor_b, reference="MSA-B")
    _target(vendor_b, "service_level", contract)  # no red line: nothing earned
    move(client_for(manager), vendor_b, contract, "claimed")
    assert not ServiceCredit.objects.filter(contract=contract, status="claimed").exists()


def test_read_only_roles_are_refused_and_other_partners_see_nothing(
    client_for, executive, partner_a, partner_b, vendor_a, usd
):
    url = f"/scorecards/vendor/{vendor_a.slug}/credits/?period=2025-03"
    assert client_for(executive).get(url).status_code == 200
    assert move(client_for(executive), vendor_a, usd, "claimed").status_code == 403
    assert client_for(partner_a).get(url).status_code == 200
    assert move(client_for(partner_a), vendor_a, usd, "claimed").status_code == 403
    assert client_for(partner_b).get(url).status_code == 404
    assert move(client_for(partner_b), vendor_a, usd, "claimed").status_code == 404
    assert not ServiceCredit.objects.filter(status="claimed").exists()


def test_vendor_disputes_a_claim_as_a_pricing_dispute(
    client_for, manager, partner_a, partner_b, vendor_a, usd
):
    move(client_for(manager), vendor_a, usd, "claimed")
    row = credit(usd)
    assert client_for(partner_b).post(f"/scorecards/credits/{row.pk}/dispute/").status_code == 404
    assert (
        client_for(manager)
        .post(f"/scorecards/credits/{row.pk}/dispute/", {"reason": "x"})
        .status_code
        == 403
    )
    client = client_for(partner_a)
    response = client.post(
        f"/scorecards/credits/{row.pk}/dispute/", {"reason": "The outage was force majeure."}
    )
    row = credit(usd)
    dispute = row.dispute
    assert response.status_code == 302 and dispute is not None
    assert (dispute.type, dispute.vendor, dispute.contract) == ("pricing", vendor_a, usd)
    assert (dispute.disputed_amount, dispute.currency) == (Decimal("5000.00"), "USD")
    assert "force majeure" in dispute.description and "MSA-USD" in dispute.description
    assert row.status == "claimed"
    client.post(f"/scorecards/credits/{row.pk}/dispute/", {"reason": "again"})
    assert Dispute.objects.filter(type="pricing").count() == 1


def test_publishing_freezes_the_credit_figures(client_for, manager, vendor_a, usd):
    scorecard_publish(vendor=vendor_a, period_kind="month", period_start=MARCH, by=manager)
    row = credit(usd)
    assert (row.status, row.published, row.earned) == ("indicative", True, Decimal("5000.00"))
    Contract.objects.filter(pk=usd.pk).update(monthly_fee=Decimal("200000"))
    page = (
        client_for(manager)
        .get(f"/scorecards/vendor/{vendor_a.slug}/credits/?period=2025-03")
        .content.decode()
    )
    march = page[page.index('data-credit="MSA-USD-2025-03"') :].split("</tr>")[0]
    # Frozen: 10,000 at risk and 5,000 earned, not the 20,000 / 10,000 of the new fee.
    assert "10,000.00 USD" in march and "<strong>5,000.00 USD</strong>" in march
    assert "20,000.00" not in march and "frozen" in march
    move(client_for(manager), vendor_a, usd, "claimed")
    assert credit(usd).amount == Decimal("5000.00")


def test_vendor_page_and_dashboard_show_open_claims(client_for, manager, vendor_a, usd):
    _eur(vendor_a)
    client = client_for(manager)
    move(client, vendor_a, usd, "claimed")
    vendor_page = client.get(f"/vendors/{vendor_a.slug}/").content.decode()
    section = vendor_page[vendor_page.index('id="vendor-credit-claims"') :][:600]
    assert "MSA-USD 2025-03" in section and "Claimed" in section
    dashboard = client.get("/scorecards/dashboard/?period=2025-03").content.decode()
    tile = dashboard[dashboard.index('id="credit-claims"') :][:300]
    assert "5,000.00" in tile and "USD" in tile and "claimed · 1 credit" in tile


# --- API ------------------------------------------------------------------------------------


def test_api_lifecycle_and_roles(api_for, manager, executive, partner_a, partner_b, vendor_a, usd):
    body = {"contract": usd.pk, "period": "2025-03", "to": "claimed"}
    assert api_for(executive).post("/api/v1/credits/", body, format="json").status_code == 403
    assert api_for(partner_a).post("/api/v1/credits/", body, format="json").status_code == 403
    claimed = api_for(manager).post("/api/v1/credits/", body, format="json")
    assert claimed.status_code == 200, claimed.json()
    data = claimed.json()
    assert {k: data[k] for k in ("contract", "period", "currency", "earned", "status")} == {
        "contract": "MSA-USD",
        "period": "2025-03",
        "currency": "USD",
        "earned": "5000.00",
        "status": "claimed",
    }
    assert data["claimed_by"] == "manager"
    pk = data["id"]
    assert api_for(partner_b).get(f"/api/v1/credits/{pk}/").status_code == 404
    assert api_for(partner_b).get("/api/v1/credits/").json()["results"] == []
    assert [c["id"] for c in api_for(partner_a).get("/api/v1/credits/").json()["results"]] == [pk]
    bad = api_for(manager).post(
        f"/api/v1/credits/{pk}/transition/", {"to": "waived"}, format="json"
    )
    assert bad.status_code == 400 and "reason" in bad.json()
    assert (
        api_for(partner_a)
        .post(f"/api/v1/credits/{pk}/transition/", {"to": "agreed"}, format="json")
        .status_code
        == 403
    )
    assert (
        api_for(manager)
        .post(f"/api/v1/credits/{pk}/dispute/", {"reason": "no"}, format="json")
        .status_code
        == 403
    )
    disputed = api_for(partner_a).post(
        f"/api/v1/credits/{pk}/dispute/", {"reason": "Force majeure"}, format="json"
    )
    assert disputed.status_code == 200 and disputed.json()["dispute"].startswith("DSP-")
    agreed = api_for(manager).post(
        f"/api/v1/credits/{pk}/transition/", {"to": "agreed", "amount": "2500.00"}, format="json"
    )
    assert (agreed.json()["status"], agreed.json()["amount"]) == ("agreed", "2500.00")
    filtered = api_for(manager).get("/api/v1/credits/", {"status": "agreed", "period": "2025-03"})
    assert [c["id"] for c in filtered.json()["results"]] == [pk]


def test_a_restatement_refreezes_credits_not_yet_acted_on(manager, vendor_a, usd):
    from scorecards.services import scorecard_restate

    published = scorecard_publish(
        vendor=vendor_a, period_kind="month", period_start=MARCH, by=manager
    )
    Contract.objects.filter(pk=usd.pk).update(monthly_fee=Decimal("200000"))
    scorecard_restate(scorecard=published, reason="Fee corrected after the audit", by=manager)
    assert credit(usd).earned == Decimal("10000.00")
