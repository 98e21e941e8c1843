"""The executive dashboard printed on A4 landscape keeps every column (issue 13: "A4
print of the dashboard cuts the credit and attendance columns"): Chromium prints it to
PDF, the first page is rendered to PNG (``pdftoppm``) for a person to look at, and at
the printable width no table is wider than the page."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.scorecards.factories import MeasurementFactory, TargetFactory

pytestmark = pytest.mark.django_db(transaction=True)

#: A4 landscape less the 12 mm margins of ``@page``, in CSS pixels (96 per inch).
PRINTABLE_WIDTH = round((297 - 2 * 12) / 25.4 * 96)


def test_dashboard_fits_a4_landscape(new_page, executive, vendor_a, vendor_b, tmp_path):
    last = date.today().replace(day=1) - timedelta(days=1)
    for vendor, value in ((vendor_a, 60), (vendor_b, 85)):
        TargetFactory(vendor=vendor)
        for months_back in range(3):
            day = (last.replace(day=1) - timedelta(days=31 * months_back)).replace(day=3)
            MeasurementFactory(vendor=vendor, period_start=day, value=value, volume=500)
    page = new_page(executive, width=PRINTABLE_WIDTH)
    page.goto(f"/scorecards/dashboard/?period={last:%Y-%m}")
    page.emulate_media(media="print")
    overflowing = page.evaluate(
        """() => Array.from(document.querySelectorAll('table')).filter(
               t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1
           ).map(t => t.className)"""
    )
    assert overflowing == []
    headers = page.locator("table.dashboard-scores thead").inner_text().lower()
    assert "credits" in headers and "attendance" in headers
    assert page.locator("table.dashboard-scores th:has-text('Attendance')").is_visible()
    assert page.locator("table.dashboard-scores th:has-text('Credits')").is_visible()

    pdf = tmp_path / "dashboard.pdf"
    page.pdf(path=str(pdf), format="A4", landscape=True, print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        out = str(SCREENSHOTS / "dashboard-print-a4")
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), out], check=True
        )
