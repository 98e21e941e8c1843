"""The import page and the CSV format: preview first, errors by row and column, all or
nothing, the downloadable template."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from scorecards.models import KPI, Measurement
from scorecards.services import measurements_import
from tests.platforms.payloads import load
from tests.scorecards.factories import MeasurementFactory

pytestmark = pytest.mark.django_db
PAGE = "/scorecards/measurements/import/"
GOOD = (
    "vendor,kpi,period_start,granularity,value,volume\n"
    "acme-contact,service_level,2025-03-01,day,82.5,1200\n"
    "acme-contact,aht,2025-03-01,day,310,1100\n"
)
BAD = GOOD + (
    "acme-contact,nope,2025-03-02,day,1,1\n"
    "acme-contact,aht,2025-13-01,day,abc,1\n"
    "acme-contact,csat,2025-03-01,day,120,10\n"
)


def _import(vendor, by, text, **kwargs):
    return measurements_import(vendor=vendor, format="csv", data=text, by=by, **kwargs)


def test_bad_rows_change_nothing_and_are_reported_by_row_and_column(vendor_a, manager):
    result = _import(vendor_a, manager, BAD)
    assert not result.saved
    assert Measurement.objects.count() == 0
    problems = {(e.row, e.field) for e in result.errors}
    assert (4, "kpi") in problems
    assert problems >= {(5, "period_start"), (5, "value"), (6, "value")}
    assert not any(e.row in (2, 3) for e in result.errors)


def test_good_file_imports_and_reimport_updates_instead_of_duplicating(vendor_a, manager):
    result = _import(vendor_a, manager, GOOD)
    assert (result.created, result.updated) == (2, 0)
    again = _import(vendor_a, manager, GOOD.replace("82.5", "90"))
    assert (again.created, again.updated) == (0, 2)
    row = Measurement.objects.get(kpi__code="service_level")
    assert (row.value, row.source, row.supplied_by) == (90, "import", "client")


def test_counts_in_a_csv_give_the_value(vendor_a, manager):
    text = (
        "kpi,period_start,answered,answered_in_threshold,abandoned,short_abandoned\n"
        "service_level,2025-03-03,900,720,60,20\n"
    )
    assert _import(vendor_a, manager, text).created == 1
    assert Measurement.objects.get().value == pytest.approx(720 / (900 + 40) * 100)


def test_missing_column_is_reported(vendor_a, manager):
    result = _import(vendor_a, manager, "vendor,kpi,value\nacme-contact,aht,3\n")
    assert not result.saved and (1, "period_start") in {(e.row, e.field) for e in result.errors}


def test_import_page_previews_then_imports(client_for, manager, vendor_a):
    client = client_for(manager)
    upload = SimpleUploadedFile("m.csv", GOOD.encode(), content_type="text/csv")
    form = {"vendor": "acme-contact", "format": "csv", "supplied_by": "client"}
    response = client.post(PAGE, {**form, "file": upload})
    assert response.status_code == 200
    assert b"2 new" in response.content
    assert Measurement.objects.count() == 0
    response = client.post(PAGE, {**form, "content": GOOD, "confirm": "1"})
    assert response.status_code == 302
    assert Measurement.objects.count() == 2


@pytest.mark.parametrize(
    ("format", "sample"),
    [("genesys_cloud", "genesys_cloud_daily"), ("amazon_connect", "amazon_connect_daily")],
)
def test_import_page_previews_platform_data_as_it_will_be_stored(
    client_for, manager, vendor_a, format, sample
):
    client = client_for(manager)
    upload = SimpleUploadedFile(
        "export.json", json.dumps(load(sample)).encode(), content_type="application/json"
    )
    form = {"vendor": "acme-contact", "format": format, "supplied_by": "client"}
    response = client.post(PAGE, {**form, "file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "18 measurements" in page and "18 new" in page
    assert "2026-03-02" in page and "Service level" in page
    assert Measurement.objects.count() == 0
    content = response.context["form"]["content"].value()
    response = client.post(PAGE, {**form, "content": content, "confirm": "1"})
    assert response.status_code == 302
    assert Measurement.objects.count() == 18


def test_import_page_with_bad_rows_shows_errors_and_saves_nothing(client_for, manager, vendor_a):
    MeasurementFactory(vendor=vendor_a)
    response = client_for(manager).post(
        PAGE,
        {
            "vendor": "acme-contact",
            "format": "csv",
            "supplied_by": "client",
            "content": BAD,
            "confirm": "1",
        },
    )
    assert response.status_code == 400
    assert b"Unknown KPI code." in response.content
    assert Measurement.objects.count() == 1


def test_the_template_lists_every_kpi_code_and_imports_as_is(client_for, manager, vendor_a):
    response = client_for(manager).get(f"{PAGE}template.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["kpi"] for row in rows} == set(KPI.objects.active().values_list("code", flat=True))
    result = _import(vendor_a, manager, text.replace("2026-01-05", "2025-01-06"))
    assert result.saved, result.errors
    assert result.created == len(rows)


def test_import_page_is_403_for_executive(client_for, executive):
    assert client_for(executive).get(PAGE).status_code == 403
    assert client_for(executive).get(f"{PAGE}template.csv").status_code == 403


def test_partner_page_imports_as_vendor_reported_for_its_own_vendor_only(
    client_for, partner_a, vendor_a, vendor_b
):
    client = client_for(partner_a)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert b"borealis-cx" not in page.content
    assert b'name="supplied_by"' not in page.content
    form = {"vendor": "acme-contact", "format": "csv", "content": GOOD, "confirm": "1"}
    assert client.post(PAGE, form).status_code == 302
    assert set(Measurement.objects.values_list("supplied_by", flat=True)) == {"vendor"}
    response = client.post(PAGE, {**form, "vendor": "borealis-cx"})
    assert response.status_code == 400
    assert Measurement.objects.filter(vendor=vendor_b).count() == 0
