"""PDF reports: a vendor's scorecard and its QBR pack (scorecards/reports.py).

Figures are checked against an oracle computed here: one service-level target (80, red
line 70) and known monthly values, so the score follows from the scoring rule (amber: 50
at the red line rising to 100 at the target).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from meetings.models import MeetingStatus
from tests.disputes.factories import make_dispute
from tests.meetings.factories import ActionItemFactory, MeetingFactory
from tests.scorecards.factories import MeasurementFactory, TargetFactory, kpi

pytestmark = pytest.mark.django_db

QUARTER = date(2025, 7, 1)  # 2025-Q3, long closed whatever today is
MONTH_VALUES = {date(2025, 7, 1): 70.0, date(2025, 8, 1): 80.0, date(2025, 9, 1): 90.0}


def amber_score(actual: float, target: float = 80.0, red_line: float = 70.0) -> float:
    """The scoring rule's amber band, independently: 50 at the red line, 100 at target."""
    return 50 + 50 * (actual - red_line) / (target - red_line)


@pytest.fixture
def scored_vendor(vendor_a):
    TargetFactory(vendor=vendor_a, kpi=kpi("service_level"), weight=100)
    for month, value in MONTH_VALUES.items():
        MeasurementFactory(
            vendor=vendor_a,
            kpi=kpi("service_level"),
            period_start=month,
            granularity="month",
            value=value,
            volume=1000,
            supplied_by="client",
        )
    return vendor_a


def pdf_text(response) -> tuple[PdfReader, str]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def test_scorecard_pdf_holds_the_vendors_figures(client_for, manager, scored_vendor):
    response = client_for(manager).get(
        f"/scorecards/vendor/{scored_vendor.slug}/scorecard.pdf?period=2025-08"
    )
    reader, text = pdf_text(response)
    assert len(reader.pages) == 1
    assert "Acme Contact · scorecard" in text and "2025-08" in text
    # August: 80 % is on target → green, 100 points; the only KPI, so the score is 100.
    assert "Service level" in text and "80.0" in text and "Green" in text
    assert "100.0" in text
    assert 'filename="scorecard-acme-contact-2025-08.pdf"' in response["Content-Disposition"]


def test_scorecard_pdf_of_an_amber_month(client_for, manager, scored_vendor):
    _reader, text = pdf_text(
        client_for(manager).get(
            f"/scorecards/vendor/{scored_vendor.slug}/scorecard.pdf?period=2025-07"
        )
    )
    # July: 70 % is on the red line → amber, 50 points of 100.
    assert f"{amber_score(70.0):.1f}" == "50.0"
    assert "70.0" in text and "50.0" in text and "Amber" in text


def test_qbr_pack_combines_the_quarter_and_lists_what_happened(
    client_for, manager, partner_a, scored_vendor
):
    dispute = make_dispute(
        vendor=scored_vendor, by=manager, now=datetime(2025, 8, 12, 9, tzinfo=UTC)
    )
    meeting = MeetingFactory(
        vendor=scored_vendor,
        organiser=manager,
        title="Quarterly review with Acme",
        start=datetime(2025, 9, 3, 9, tzinfo=UTC),
        status=MeetingStatus.HELD,
        minutes="Agreed to hire twelve agents for the peak.",
    )
    ActionItemFactory(meeting=meeting, owner=partner_a, title="Send the hiring plan")
    response = client_for(manager).get(
        f"/scorecards/vendor/{scored_vendor.slug}/qbr.pdf?quarter=2025-Q3"
    )
    reader, text = pdf_text(response)
    assert len(reader.pages) >= 4
    assert "Acme Contact · quarterly business review" in text and "2025-Q3" in text
    # Each month as supplied, and the quarter from the summed volumes: (70+80+90)/3.
    quarter_actual = sum(v * 1000 for v in MONTH_VALUES.values()) / 3000
    for value in [*MONTH_VALUES.values(), quarter_actual]:
        assert f"{value:.1f}" in text
    assert dispute.reference in text  # opened in the quarter
    assert "Quarterly review with Acme" in text and "Agreed to hire twelve agents" in text
    assert "Send the hiring plan" in text
    # Sections other apps fill in are announced, not silently missing.
    assert "Corrective action plans" in text and "Not available yet" in text


def test_qbr_pack_of_a_month_means_its_quarter(client_for, manager, scored_vendor):
    response = client_for(manager).get(
        f"/scorecards/vendor/{scored_vendor.slug}/qbr.pdf?period=2025-08"
    )
    assert 'filename="qbr-acme-contact-2025-Q3.pdf"' in response["Content-Disposition"]


def test_partner_reads_own_vendors_pack_without_internal_notes(
    client_for, manager, partner_a, scored_vendor
):
    from disputes.models import DisputeEvent, EventKind

    dispute = make_dispute(
        vendor=scored_vendor, by=manager, now=datetime(2025, 8, 12, 9, tzinfo=UTC)
    )
    DisputeEvent.objects.create(
        dispute=dispute, vendor=scored_vendor, kind=EventKind.COMMENT, author=manager,
        author_side="client", internal=True, body="Walk-away credit is 5 %",
    )  # fmt: skip
    _reader, text = pdf_text(
        client_for(partner_a).get(
            f"/scorecards/vendor/{scored_vendor.slug}/qbr.pdf?quarter=2025-Q3"
        )
    )
    assert dispute.reference in text
    assert "Walk-away" not in text


@pytest.mark.parametrize("report", ["scorecard.pdf?period=2025-08", "qbr.pdf?quarter=2025-Q3"])
def test_another_vendors_partner_gets_404(client_for, partner_b, scored_vendor, report):
    response = client_for(partner_b).get(f"/scorecards/vendor/{scored_vendor.slug}/{report}")
    assert response.status_code == 404


@pytest.mark.parametrize("report", ["scorecard.pdf?period=2025-13", "qbr.pdf?quarter=2025-Q9"])
def test_a_bad_period_is_a_clear_400(client_for, manager, scored_vendor, report):
    response = client_for(manager).get(f"/scorecards/vendor/{scored_vendor.slug}/{report}")
    assert response.status_code == 400
    assert b"Traceback" not in response.content


def test_qbr_pack_without_a_quarter_is_the_last_closed_one(client_for, executive, vendor_a):
    from scorecards.report_views import last_closed_quarter

    assert last_closed_quarter(date(2026, 11, 23)) == date(2026, 7, 1)
    assert last_closed_quarter(date(2026, 1, 1)) == date(2025, 10, 1)
    assert last_closed_quarter(date(2026, 3, 31)) == date(2025, 10, 1)
    response = client_for(executive).get(f"/scorecards/vendor/{vendor_a.slug}/qbr.pdf")
    assert response.status_code == 200


def test_first_page_renders_as_an_image(client_for, manager, scored_vendor, tmp_path):
    """pdftoppm (poppler-utils) draws page 1: the PDF is one a real reader can show."""
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have pdftoppm (apt-get install poppler-utils).")
        pytest.skip("pdftoppm not installed")
    response = client_for(manager).get(
        f"/scorecards/vendor/{scored_vendor.slug}/qbr.pdf?quarter=2025-Q3"
    )
    pdf = tmp_path / "qbr.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 5_000


def test_dashboard_drills_down_and_shows_changes(client_for, executive, scored_vendor):
    response = client_for(executive).get("/scorecards/dashboard/?period=2025-08")
    body = response.content.decode()
    # August 100 against July 50: +50.0 on the vendor's row, and on the average.
    assert "▲ +50.0" in body
    assert "changes against 2025-07" in body
    assert (
        f"/scorecards/measurements/?vendor={scored_vendor.slug}&amp;kpi=service_level"
        "&amp;period=2025-08" in body
    )
    assert "Print" in body


def test_dispute_bars_link_to_the_filtered_list(client_for, executive, manager, vendor_a):
    make_dispute(vendor=vendor_a, by=manager, type="breach")
    body = client_for(executive).get("/scorecards/dashboard/").content.decode()
    link = f"/disputes/?vendor={vendor_a.slug}&amp;type=breach&amp;status=unresolved"
    assert link in body
    listed = client_for(executive).get(link.replace("&amp;", "&"))
    assert listed.status_code == 200 and "DSP-" in listed.content.decode()


def test_measurement_list_filters_by_period(client_for, manager, scored_vendor):
    response = client_for(manager).get(
        f"/scorecards/measurements/?vendor={scored_vendor.slug}&kpi=service_level&period=2025-08"
    )
    rows = response.context["page"].object_list
    assert [m.period_start for m in rows] == [date(2025, 8, 1)]
    bad = client_for(manager).get("/scorecards/measurements/?period=2025-99")
    assert bad.status_code == 200 and bad.context["period_error"]
    assert len(bad.context["page"].object_list) == 3


def test_trend_chart_stays_inside_its_gridlines():
    from scorecards.charts import trend_chart

    chart = trend_chart([("a", 100.0), ("b", 0.0), ("c", 120.0), ("d", None), ("e", 55.0)])
    top, bottom = chart["grid"][-1]["y"], chart["grid"][0]["y"]
    assert top < bottom
    assert all(top <= p.y <= bottom for p in chart["points"])
    assert chart["points"][0].y == top and chart["points"][1].y == bottom
    assert len(chart["segments"]) == 2  # a gap where there is no data
