"""The public API: kpis, targets, measurements (bulk upsert), scorecards."""

from __future__ import annotations

from datetime import date

import pytest

from scorecards.models import Measurement, Target
from tests.factories import VendorFactory
from tests.scorecards.factories import MeasurementFactory, TargetFactory

pytestmark = pytest.mark.django_db
ITEM = {
    "vendor": "acme-contact",
    "kpi": "service_level",
    "period_start": "2025-03-03",
    "granularity": "day",
    "value": 81.5,
    "volume": 400,
}


def test_kpis_are_readable_by_everyone_and_writable_by_managers(
    api_for, partner_a, executive, manager
):
    assert api_for(partner_a).get("/api/v1/kpis/service_level/").json()["direction"] == "higher"
    new = {
        "code": "chat_concurrency",
        "name": "Chat concurrency",
        "unit": "count",
        "direction": "higher",
        "aggregation": "mean",
    }
    assert api_for(executive).post("/api/v1/kpis/", new, format="json").status_code == 403
    assert api_for(manager).post("/api/v1/kpis/", new, format="json").status_code == 201


def test_bulk_upsert_is_all_or_nothing_with_per_item_errors(api_for, manager, vendor_a):
    bad = [ITEM, {**ITEM, "period_start": "2025-03-04", "value": "x"}, {**ITEM, "kpi": "nope"}]
    response = api_for(manager).post("/api/v1/measurements/", bad, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0] == {} and "value" in errors[1] and "kpi" in errors[2]
    assert Measurement.objects.count() == 0


def test_bulk_upsert_creates_then_updates(api_for, manager, vendor_a):
    api = api_for(manager)
    items = [ITEM, {**ITEM, "period_start": "2025-03-04"}]
    assert api.post("/api/v1/measurements/", items, format="json").json() == {
        "created": 2,
        "updated": 0,
    }
    # Changing existing rows names the version read (optimistic concurrency).
    items = [{**item, "version": 1} for item in items]
    items[0]["value"] = 90
    assert api.post("/api/v1/measurements/", items, format="json").json() == {
        "created": 0,
        "updated": 2,
    }
    changed = Measurement.objects.get(period_start=date(2025, 3, 3))
    assert changed.value == 90 and changed.version == 2


def test_single_measurement_post_returns_201_and_public_fields(api_for, manager, vendor_a):
    response = api_for(manager).post("/api/v1/measurements/", ITEM, format="json")
    assert response.status_code == 201
    assert {
        k: response.json()[k]
        for k in ("vendor", "kpi", "period_start", "granularity", "value", "volume")
    } == ITEM


def test_measurement_writes_are_403_for_executive_and_vendor_reported_for_partner(
    api_for, executive, partner_a, vendor_a
):
    assert (
        api_for(executive).post("/api/v1/measurements/", [ITEM], format="json").status_code == 403
    )
    assert Measurement.objects.count() == 0
    # Issue 10: a partner submits its own vendor's data (vendor-reported), no longer a 403.
    response = api_for(partner_a).post("/api/v1/measurements/", [ITEM], format="json")
    assert response.status_code == 200
    assert Measurement.objects.get().supplied_by == "vendor"


def test_manager_cannot_post_for_an_unknown_vendor(api_for, manager):
    response = api_for(manager).post(
        "/api/v1/measurements/", {**ITEM, "vendor": "ghost"}, format="json"
    )
    assert response.status_code == 400 and "vendor" in response.json()


def test_partners_see_only_their_vendors_rows(api_for, partner_a, partner_b, vendor_a, vendor_b):
    MeasurementFactory(vendor=vendor_a)
    m = MeasurementFactory(vendor=vendor_b)
    t = TargetFactory(vendor=vendor_b)
    api = api_for(partner_a)
    assert api.get(f"/api/v1/measurements/{m.pk}/").status_code == 404
    assert api.get(f"/api/v1/targets/{t.pk}/").status_code == 404
    assert [r["vendor"] for r in api.get("/api/v1/measurements/").json()["results"]] == [
        "acme-contact"
    ]
    assert api.get("/api/v1/scorecards/?vendor=borealis-cx&period=2025-03").status_code == 404
    assert [
        r["vendor"] for r in api.get("/api/v1/scorecards/?period=2025-03").json()["results"]
    ] == ["acme-contact"]


def test_target_api_validates_and_executive_gets_403(api_for, manager, executive, vendor_a):
    body = {
        "vendor": "acme-contact",
        "kpi": "aht",
        "target": 300,
        "threshold": 200,
        "weight": 20,
        "effective_from": "2025-01-01",
    }
    assert api_for(executive).post("/api/v1/targets/", body, format="json").status_code == 403
    response = api_for(manager).post("/api/v1/targets/", body, format="json")
    assert response.status_code == 400 and "threshold" in response.json()
    body["threshold"] = 360
    assert api_for(manager).post("/api/v1/targets/", body, format="json").status_code == 201
    assert Target.objects.get().kpi.code == "aht"


def test_scorecard_endpoint_returns_public_fields(api_for, manager, vendor_a):
    TargetFactory(vendor=vendor_a)
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 3), value=75, volume=100)
    data = (
        api_for(manager)
        .get("/api/v1/scorecards/?vendor=acme-contact&period=2025-03")
        .json()["results"][0]
    )
    assert data["vendor"] == "acme-contact" and data["period"] == "2025-03"
    assert data["overall_score"] == 75.0
    line = data["kpis"][0]
    assert set(line) >= {"kpi", "actual", "target", "attainment", "points", "rag"}
    assert "attendance_vendor" in data["relationship"]


def test_scorecard_bad_period_is_a_field_error(api_for, manager):
    response = api_for(manager).get("/api/v1/scorecards/?period=March")
    assert response.status_code == 400 and "period" in response.json()


def test_quarter_period_is_supported(api_for, manager, vendor_a):
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 2, 3), value=75, volume=100)
    data = (
        api_for(manager)
        .get("/api/v1/scorecards/?vendor=acme-contact&period=2025-Q1")
        .json()["results"][0]
    )
    assert data["period"] == "2025-Q1" and data["kpis"][0]["actual"] == 75.0


@pytest.mark.parametrize(
    "url", ["/api/v1/measurements/", "/api/v1/scorecards/?period=2025-03", "/api/v1/targets/"]
)
def test_api_lists_have_a_bounded_query_count(url, api_for, manager, django_assert_max_num_queries):
    for n in range(6):
        vendor = VendorFactory(slug=f"v-{n}")
        TargetFactory(vendor=vendor)
        for day in range(1, 4):
            MeasurementFactory(vendor=vendor, period_start=date(2025, 3, day))
    api = api_for(manager)
    with django_assert_max_num_queries(14):
        assert api.get(url).status_code == 200
