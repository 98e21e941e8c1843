"""CSV import: every row validated, errors by row and column, all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from scorecards.models import Measurement
from scorecards.services import measurements_import
from tests.scorecards.factories import MeasurementFactory

pytestmark = pytest.mark.django_db
GOOD = (
    "vendor,kpi,period_start,granularity,value,volume\n"
    "acme-contact,service_level,2025-03-01,day,82.5,1200\n"
    "acme-contact,aht,2025-03-01,day,310,1100\n"
)
BAD = GOOD + (
    "acme-contact,nope,2025-03-02,day,1,1\n"
    "acme-contact,aht,2025-13-01,day,abc,1\n"
    "borealis-cx,csat,2025-03-01,day,120,10\n"
)


def test_bad_rows_change_nothing_and_are_reported_by_row_and_column(vendor_a, vendor_b, manager):
    preview, result = measurements_import(text=BAD, by=manager)
    assert result is None
    assert Measurement.objects.count() == 0
    assert (4, "kpi", "Unknown KPI code.") in preview.errors
    assert {(line, col) for line, col, _ in preview.errors} >= {
        (5, "period_start"),
        (5, "value"),
        (6, "value"),
    }
    assert not any(line in (2, 3) for line, _, _ in preview.errors)


def test_good_file_imports_and_reimport_updates_instead_of_duplicating(vendor_a, manager):
    _, result = measurements_import(text=GOOD, by=manager)
    assert (result.created, result.updated) == (2, 0)
    _, again = measurements_import(text=GOOD.replace("82.5", "90"), by=manager)
    assert (again.created, again.updated) == (0, 2)
    assert Measurement.objects.get(kpi__code="service_level").value == 90
    assert Measurement.objects.get(kpi__code="service_level").source == "import"


def test_missing_column_is_reported(vendor_a, manager):
    preview, result = measurements_import(text="vendor,kpi,value\nacme-contact,aht,3\n", by=manager)
    assert result is None and (1, "period_start", "Missing column.") in preview.errors


def test_import_page_previews_then_imports(client_for, manager, vendor_a):
    client = client_for(manager)
    upload = SimpleUploadedFile("m.csv", GOOD.encode(), content_type="text/csv")
    response = client.post("/scorecards/measurements/import/", {"file": upload})
    assert response.status_code == 200
    assert b"2 new" in response.content
    assert Measurement.objects.count() == 0
    response = client.post("/scorecards/measurements/import/", {"content": GOOD, "confirm": "1"})
    assert response.status_code == 302
    assert Measurement.objects.count() == 2


def test_import_page_with_bad_rows_shows_errors_and_saves_nothing(client_for, manager, vendor_a):
    MeasurementFactory(vendor=vendor_a)
    response = client_for(manager).post(
        "/scorecards/measurements/import/", {"content": BAD, "confirm": "1"}
    )
    assert response.status_code == 400
    assert b"Unknown KPI code." in response.content
    assert Measurement.objects.count() == 1


def test_import_page_is_403_for_executive_and_partner(client_for, executive, partner_a):
    assert client_for(executive).get("/scorecards/measurements/import/").status_code == 403
    assert client_for(partner_a).get("/scorecards/measurements/import/").status_code == 403
