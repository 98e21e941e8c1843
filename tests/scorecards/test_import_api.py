"""``POST /api/v1/measurements/import/``: all or nothing, idempotent, scoped, bounded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from platforms.models import PlatformConnection
from scorecards.models import Measurement
from tests.platforms.payloads import load
from tests.scorecards.factories import MeasurementFactory, kpi

pytestmark = pytest.mark.django_db
URL = "/api/v1/measurements/import/"


def _post(api, **body):
    return api.post(URL, body, format="json")


@pytest.fixture
def existing(vendor_a):
    """A row that an import failing half-way must leave exactly as it was."""
    return MeasurementFactory(
        vendor=vendor_a, kpi=kpi("csat"), value=88.0, volume=10, period_start=date(2026, 3, 2)
    )


def _unchanged(existing) -> bool:
    existing_now = Measurement.objects.get(pk=existing.pk)
    return Measurement.objects.count() == 1 and existing_now.value == 88.0


def test_a_bad_json_path_is_reported_and_nothing_is_stored(vendor_a, manager, api_for, existing):
    payload = load("genesys_cloud_daily")
    payload["results"][1]["data"][2]["metrics"][0]["stats"]["count"] = "many"
    response = _post(
        api_for(manager), vendor="acme-contact", format="genesys_cloud", payload=payload
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["created"], body["updated"]) == (0, 0)
    assert body["errors"] == [
        {
            "row": "results[1].data[2].metrics[0].stats.count",
            "field": "offered",
            "message": "expected a number, got a string",
        }
    ]
    assert _unchanged(existing)


def test_negative_counts_are_refused_whole(vendor_a, manager, api_for, existing):
    payload = load("amazon_connect_daily")
    payload["MetricResults"][4]["Collections"][2]["Value"] = -3.0
    response = _post(
        api_for(manager), vendor="acme-contact", format="amazon_connect", payload=payload
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["row"] == "MetricResults[4].Collections[2].Value"
    assert error["field"] == "abandoned" and "negative" in error["message"]
    csv_text = (
        "kpi,period_start,answered,answered_in_threshold,abandoned\n"
        "service_level,2026-03-03,100,80,-1\n"
    )
    response = _post(api_for(manager), vendor="acme-contact", format="csv", payload=csv_text)
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 2
    assert response.json()["errors"][0]["field"] == "abandoned"
    assert _unchanged(existing)


def test_another_vendors_data_is_refused_and_nothing_is_stored(
    vendor_a, vendor_b, manager, api_for, existing
):
    # A CSV line naming another vendor inside vendor A's import.
    csv_text = (
        "vendor,kpi,period_start,value,volume\n"
        "acme-contact,csat,2026-03-03,90,10\n"
        "borealis-cx,csat,2026-03-03,70,10\n"
    )
    response = _post(api_for(manager), vendor="acme-contact", format="csv", payload=csv_text)
    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(3, "vendor")]
    # Vendor B's Genesys export (its queues) imported under vendor A's connection.
    PlatformConnection.objects.create(
        vendor=vendor_a,
        name="Genesys",
        platform="genesys_cloud",
        region="mypurecloud.jp",
        queue_ids=["00000000-0000-4000-8000-00000000000a"],
        credentials_ref="GENESYS_ACME",
    )
    response = _post(
        api_for(manager),
        vendor="acme-contact",
        format="genesys_cloud",
        payload=load("genesys_cloud_daily"),
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"queue"}
    assert _unchanged(existing)


def test_reimporting_updates_instead_of_duplicating(vendor_a, manager, api_for):
    api = api_for(manager)
    body = {
        "vendor": "acme-contact",
        "format": "genesys_cloud",
        "payload": load("genesys_cloud_daily"),
    }
    first = api.post(URL, body, format="json").json()
    again = api.post(URL, body, format="json").json()
    assert (first["created"], first["updated"]) == (18, 0)
    assert (again["created"], again["updated"]) == (0, 18)
    assert Measurement.objects.count() == 18
    assert Measurement.history.filter(history_type="~").count() == 18  # history kept


def test_dry_run_answers_and_writes_nothing(vendor_a, manager, api_for):
    response = _post(
        api_for(manager),
        vendor="acme-contact",
        format="amazon_connect",
        payload=load("amazon_connect_daily"),
        dry_run=True,
    )
    assert response.status_code == 200
    assert response.json() == {"created": 18, "updated": 0, "errors": []}
    assert Measurement.objects.count() == 0


def test_a_file_upload_works_for_csv_and_json(vendor_a, manager, api_for):
    api = api_for(manager)
    csv_file = SimpleUploadedFile(
        "m.csv", b"kpi,period_start,value,volume\ncsat,2026-03-03,90,10\n", content_type="text/csv"
    )
    response = api.post(
        URL, {"vendor": "acme-contact", "format": "csv", "file": csv_file}, format="multipart"
    )
    assert response.status_code == 200 and response.json()["created"] == 1
    raw = SimpleUploadedFile("g.json", b"{not json", content_type="application/json")
    response = api.post(
        URL, {"vendor": "acme-contact", "format": "genesys_cloud", "file": raw}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "payload"


def test_the_request_itself_is_checked(vendor_a, manager, api_for):
    response = _post(api_for(manager), vendor="acme-contact", format="nice_cxone", payload={})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "format"
    response = _post(api_for(manager), vendor="acme-contact", format="csv")
    assert response.json()["errors"][0]["field"] == "payload"


def test_partner_imports_its_own_vendors_data_as_vendor_reported(vendor_a, partner_a, api_for):
    response = _post(
        api_for(partner_a),
        vendor="acme-contact",
        format="genesys_cloud",
        payload=load("genesys_cloud_daily"),
    )
    assert response.status_code == 200
    assert set(Measurement.objects.values_list("supplied_by", flat=True)) == {"vendor"}
    response = _post(
        api_for(partner_a),
        vendor="acme-contact",
        format="genesys_cloud",
        payload=load("genesys_cloud_daily"),
        supplied_by="client",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "supplied_by"


def test_partner_of_another_vendor_cannot_import_for_it(vendor_a, partner_b, api_for):
    response = _post(
        api_for(partner_b),
        vendor="acme-contact",
        format="genesys_cloud",
        payload=load("genesys_cloud_daily"),
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "vendor"
    assert Measurement.objects.count() == 0


def test_executive_gets_403(vendor_a, executive, api_for):
    response = _post(api_for(executive), vendor="acme-contact", format="csv", payload="x")
    assert response.status_code == 403


def test_a_10000_row_import_takes_a_bounded_number_of_queries(
    vendor_a, manager, api_for, django_assert_max_num_queries
):
    first = date(2020, 1, 6)
    lines = ["kpi,period_start,value,volume,answered,answered_in_threshold,abandoned"]
    for offset in range(2000):
        day = (first + timedelta(days=offset)).isoformat()
        lines.append(f"service_level,{day},,,900,720,30")
        lines.append(f"csat,{day},88.5,40,,,")
        lines.append(f"fcr,{day},71,55,,,")
        lines.append(f"qa_score,{day},90,12,,,")
        lines.append(f"aht,{day},300,100,,,")
    api = api_for(manager)
    with django_assert_max_num_queries(60):
        response = _post(api, vendor="acme-contact", format="csv", payload="\n".join(lines))
    assert response.status_code == 200, response.json()["errors"][:3]
    assert response.json()["created"] == 10_000
    assert Measurement.objects.count() == 10_000
