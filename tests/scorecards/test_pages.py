"""Pages: isolation (404 for the other vendor's partner), 403 for read-only writes, bounds."""

from __future__ import annotations

from datetime import date

import pytest

from scorecards.models import PublishedScorecard
from scorecards.services import scorecard_publish
from tests.factories import VendorFactory
from tests.scorecards.factories import MeasurementFactory, TargetFactory

pytestmark = pytest.mark.django_db
MARCH = date(2025, 3, 1)


@pytest.fixture
def data(vendor_a, vendor_b):
    for vendor in (vendor_a, vendor_b):
        TargetFactory(vendor=vendor)
        MeasurementFactory(vendor=vendor, period_start=date(2025, 3, 3), value=60, volume=100)


@pytest.fixture
def published_b(data, vendor_b, manager):
    return scorecard_publish(vendor=vendor_b, period_kind="month", period_start=MARCH, by=manager)


def test_partner_sees_own_scorecard_but_404_for_another_vendor(client_for, partner_a, data):
    client = client_for(partner_a)
    response = client.get("/scorecards/vendor/acme-contact/?period=2025-03")
    assert response.status_code == 200 and b"60.0" in response.content
    assert client.get("/scorecards/vendor/borealis-cx/?period=2025-03").status_code == 404
    assert client.get("/scorecards/vendor/borealis-cx/targets/").status_code == 404


def test_partner_never_sees_the_dashboard_or_its_export(client_for, partner_a, data):
    client = client_for(partner_a)
    assert client.get("/scorecards/dashboard/").status_code == 403
    assert client.get("/scorecards/dashboard/export.csv").status_code == 403
    assert client.get("/scorecards/").url == "/scorecards/vendor/acme-contact/"


def test_published_scorecard_of_another_vendor_is_404(client_for, partner_a, published_b):
    client = client_for(partner_a)
    assert client.get(f"/scorecards/published/{published_b.pk}/").status_code == 404
    assert client.post(f"/scorecards/published/{published_b.pk}/acknowledge/").status_code == 404
    assert (
        client.post(
            f"/scorecards/published/{published_b.pk}/appeal/",
            {"kpi": "service_level", "reason": "x" * 20},
        ).status_code
        == 404
    )
    published_b.refresh_from_db()
    assert published_b.status == "published"


def test_partner_appeals_from_the_portal(client_for, partner_b, published_b):
    response = client_for(partner_b).post(
        f"/scorecards/published/{published_b.pk}/appeal/",
        {"kpi": "service_level", "reason": "Our ACD shows 78 % that week."},
    )
    assert response.status_code == 302
    assert published_b.appeals.get().dispute.type == "underperformance"


def test_appeal_without_reason_is_a_form_error(client_for, partner_b, published_b):
    response = client_for(partner_b).post(
        f"/scorecards/published/{published_b.pk}/appeal/", {"kpi": "service_level", "reason": ""}
    )
    assert response.status_code == 400 and b"errorlist" in response.content
    assert not published_b.appeals.exists()


def test_executive_cannot_publish_or_write(client_for, executive, data):
    client = client_for(executive)
    assert (
        client.post("/scorecards/vendor/acme-contact/publish/", {"period": "2025-03"}).status_code
        == 403
    )
    assert client.post("/scorecards/vendor/acme-contact/targets/", {}).status_code == 403
    assert client.get("/scorecards/measurements/new/").status_code == 403
    assert not PublishedScorecard.objects.exists()


def test_manager_publishes_from_the_scorecard_page(client_for, manager, data):
    response = client_for(manager).post(
        "/scorecards/vendor/acme-contact/publish/", {"period": "2025-03"}
    )
    assert response.status_code == 302
    assert PublishedScorecard.objects.get().overall_score == 0.0


def test_manager_adds_a_target_and_bad_input_is_a_field_error(client_for, manager, vendor_a):
    client = client_for(manager)
    from scorecards.models import KPI

    kpi = KPI.objects.get(code="csat").pk
    bad = client.post(
        "/scorecards/vendor/acme-contact/targets/",
        {"kpi": kpi, "target": 80, "threshold": 90, "weight": 10, "effective_from": "2025-01-01"},
    )
    assert bad.status_code == 400 and b"red line" in bad.content
    ok = client.post(
        "/scorecards/vendor/acme-contact/targets/",
        {"kpi": kpi, "target": 80, "threshold": 70, "weight": 10, "effective_from": "2025-01-01"},
    )
    assert ok.status_code == 302


def test_measurement_form_saves_and_rejects_bad_percent(client_for, manager, vendor_a):
    from scorecards.models import KPI, Measurement

    kpi = KPI.objects.get(code="service_level").pk
    post = {
        "vendor": "acme-contact",
        "kpi": kpi,
        "period_start": "2025-03-03",
        "granularity": "day",
        "value": 140,
        "volume": 10,
        "supplied_by": "vendor",
    }
    assert client_for(manager).post("/scorecards/measurements/new/", post).status_code == 400
    post["value"] = 80
    preview = client_for(manager).post("/scorecards/measurements/new/", post)
    assert preview.status_code == 200 and not Measurement.objects.exists()  # shown first
    post["checked"] = preview.context["form"].data["checked"]
    assert client_for(manager).post("/scorecards/measurements/new/", post).status_code == 302
    assert Measurement.objects.get().numerator == pytest.approx(8)


def test_dashboard_export_is_csv_for_the_client_side(client_for, executive, data):
    response = client_for(executive).get("/scorecards/dashboard/export.csv?period=2025-03")
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("vendor,period,overall_score")
    assert {line.split(",")[0] for line in lines[1:]} == {"acme-contact", "borealis-cx"}


def _many(n_vendors: int, days: int) -> None:
    for n in range(n_vendors):
        vendor = VendorFactory(slug=f"bulk-{n_vendors}-{n}")
        TargetFactory(vendor=vendor)
        for day in range(1, days + 1):
            MeasurementFactory(vendor=vendor, period_start=date(2025, 3, day))


@pytest.mark.parametrize(
    "url",
    [
        "/scorecards/dashboard/?period=2025-03",
        "/scorecards/dashboard/export.csv?period=2025-03",
        "/scorecards/measurements/",
        "/scorecards/vendor/bulk-2-0/?period=2025-03",
        "/vendors/bulk-2-0/",
    ],
)
def test_query_count_does_not_grow_with_vendors_or_measurements(
    url, client_for, executive, django_assert_max_num_queries
):
    _many(2, 2)
    client = client_for(executive)
    with django_assert_max_num_queries(25) as small:
        assert client.get(url).status_code == 200
    _many(8, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
