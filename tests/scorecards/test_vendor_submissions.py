"""Partners submit their own vendor's measurements (page, API, import): vendor-reported,
side by side with the client's, never overwriting them."""

from __future__ import annotations

from datetime import date

import pytest

from scorecards.models import Measurement
from tests.platforms.payloads import load
from tests.scorecards.factories import MeasurementFactory, kpi

pytestmark = pytest.mark.django_db
ITEM = {
    "vendor": "acme-contact",
    "kpi": "csat",
    "period_start": "2026-03-03",
    "granularity": "day",
    "value": 92.0,
    "volume": 50,
}


@pytest.fixture
def client_row(vendor_a):
    return MeasurementFactory(
        vendor=vendor_a,
        kpi=kpi("csat"),
        period_start=date(2026, 3, 3),
        value=80.0,
        volume=50,
        supplied_by="client",
    )


def test_partner_posting_measurements_is_accepted_as_vendor_reported(
    vendor_a, partner_a, api_for, client_row
):
    """Was: a partner posting measurements gets 403."""
    response = api_for(partner_a).post("/api/v1/measurements/", ITEM, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["supplied_by"] == "vendor"
    # The client's own row for the same day and KPI is untouched, beside it.
    client_row.refresh_from_db()
    assert (client_row.value, client_row.version) == (80.0, 1)
    assert Measurement.objects.filter(vendor=vendor_a).count() == 2


def test_partner_cannot_write_client_measured_data(vendor_a, partner_a, api_for, client_row):
    api = api_for(partner_a)
    response = api.post("/api/v1/measurements/", {**ITEM, "supplied_by": "client"}, format="json")
    assert response.status_code == 400
    assert "supplied_by" in response.json()
    response = api.post(
        "/api/v1/measurements/",
        [{**ITEM, "supplied_by": "client", "version": 1}],
        format="json",
    )
    assert response.status_code == 400
    client_row.refresh_from_db()
    assert (client_row.value, client_row.version) == (80.0, 1)
    response = api.patch(
        f"/api/v1/measurements/{client_row.pk}/", {"value": 99, "version": 1}, format="json"
    )
    assert response.status_code == 403
    client_row.refresh_from_db()
    assert client_row.value == 80.0


def test_partner_of_another_vendor_cannot_submit_for_it(vendor_a, partner_b, api_for):
    response = api_for(partner_b).post("/api/v1/measurements/", ITEM, format="json")
    assert response.status_code == 400
    assert "vendor" in response.json()
    assert Measurement.objects.count() == 0


def test_partner_of_another_vendor_gets_404_on_the_rows(vendor_a, partner_b, api_for, client_row):
    api = api_for(partner_b)
    assert api.get(f"/api/v1/measurements/{client_row.pk}/").status_code == 404
    response = api.patch(
        f"/api/v1/measurements/{client_row.pk}/", {"value": 1, "version": 1}, format="json"
    )
    assert response.status_code == 404


def test_executive_may_not_submit(vendor_a, executive, api_for, client_for):
    assert api_for(executive).post("/api/v1/measurements/", ITEM, format="json").status_code == 403
    assert client_for(executive).get("/scorecards/measurements/new/").status_code == 403


def test_partner_submits_by_form_for_its_own_vendor_only(client_for, partner_a, vendor_a, vendor_b):
    client = client_for(partner_a)
    page = client.get("/scorecards/measurements/new/")
    assert page.status_code == 200
    assert b"borealis-cx" not in page.content and b'name="supplied_by"' not in page.content
    form = {**ITEM, "kpi": kpi("csat").pk}
    preview = client.post("/scorecards/measurements/new/", form)
    form["checked"] = preview.context["form"].data["checked"]
    assert client.post("/scorecards/measurements/new/", form).status_code == 302
    assert Measurement.objects.get().supplied_by == "vendor"
    response = client.post("/scorecards/measurements/new/", {**form, "vendor": "borealis-cx"})
    assert response.status_code == 400
    assert not Measurement.objects.filter(vendor=vendor_b).exists()


def test_both_sides_show_side_by_side_with_the_gap_flag(
    vendor_a, manager, partner_a, api_for, client_for
):
    """The manager imports the client's Genesys data; the partner submits its own
    (rosier) figures for the same month; the partner sees both, and the gap."""
    payload = load("genesys_cloud_daily")
    api_for(manager).post(
        "/api/v1/measurements/import/",
        {"vendor": "acme-contact", "format": "genesys_cloud", "payload": payload},
        format="json",
    )
    vendor_csv = (
        "kpi,period_start,answered,answered_in_threshold,abandoned\n"
        "service_level,2026-03-02,1000,950,10\n"
    )
    response = api_for(partner_a).post(
        "/api/v1/measurements/import/",
        {"vendor": "acme-contact", "format": "csv", "payload": vendor_csv},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = api_for(partner_a).get("/api/v1/scorecards/?vendor=acme-contact&period=2026-03")
    line = {x["kpi"]: x for x in body.json()["results"][0]["kpis"]}["service_level"]
    assert line["vendor_value"] == pytest.approx(950 / 1010 * 100, abs=0.001)
    assert line["client_value"] == pytest.approx(80.062, abs=0.001)
    assert line["gap_flag"] is True
    page = client_for(partner_a).get("/scorecards/vendor/acme-contact/?period=2026-03")
    assert page.status_code == 200
    assert b"gap" in page.content


def test_the_partners_scorecard_links_to_its_data_and_to_submitting_it(
    client_for, partner_a, vendor_a
):
    page = client_for(partner_a).get("/scorecards/vendor/acme-contact/").content.decode()
    assert "/scorecards/measurements/?vendor=acme-contact" in page
    assert "/scorecards/measurements/import/" in page
