"""An executive drills from the dashboard into a scorecard and its print view; the
vendor's partner opens its published scorecard and appeals a line."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scorecards.services import scorecard_publish
from tests.scorecards.factories import MeasurementFactory, TargetFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(vendor_a, vendor_b, manager):
    last = date.today().replace(day=1) - timedelta(days=1)
    start = last.replace(day=1)
    for vendor, value in ((vendor_a, 60), (vendor_b, 85)):
        TargetFactory(vendor=vendor)
        MeasurementFactory(
            vendor=vendor, period_start=start + timedelta(days=2), value=value, volume=500
        )
    return scorecard_publish(vendor=vendor_a, period_kind="month", period_start=start, by=manager)


@pytest.mark.parametrize("width", [1280, 390])
def test_executive_drills_down_and_prints(
    page, login, executive, published, screenshot, check_page, nav, at_width, width
):
    at_width(page, width)
    login(page, executive)
    nav(page, "Dashboard")
    assert "Executive dashboard" in page.locator("h1").inner_text()
    assert page.locator("svg.sparkline").count() == 2
    assert page.locator("td.heat-red").count() == 1
    check_page(page, "scorecards-dashboard")
    screenshot(page, f"scorecards-dashboard-{width}")
    page.locator("table.sc-table").get_by_role("link", name="Acme Contact").click()
    assert "Acme Contact · scorecard" in page.locator("h1").inner_text()
    page.emulate_media(media="print")
    assert page.locator("svg.trend-chart").is_visible()
    check_page(page, "scorecards-print")
    screenshot(page, f"scorecards-print-{width}")
    assert page.console_errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_partner_appeals_a_line_of_its_published_scorecard(
    page, login, partner_a, published, screenshot, check_page, nav, at_width, width
):
    at_width(page, width)
    login(page, partner_a)
    nav(page, "Scorecards")
    page.get_by_role("link", name="see the frozen version").click()
    page.fill("#id_reason", "Our ACD shows 78 % answered in 20 s on the 3rd; please recheck.")
    page.get_by_role("button", name="Send appeal").click()
    assert "Appeal recorded as dispute DSP-" in page.locator(".messages").inner_text()
    assert "Appealed" in page.locator(".page-head").inner_text()
    check_page(page, "scorecards-partner-appeal")
    screenshot(page, f"scorecards-partner-appeal-{width}")
    assert page.console_errors == []
