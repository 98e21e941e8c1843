"""Scheduling a cadence in Chromium as a vendor manager would (issue 13, "Scheduling"):
no RRULE typed, the next dates previewed in both sides' local time as the form is
filled, the vendor's people invitable before the first save, a warning for 18:00
Berlin (01:00 Manila), and an edit of the time that moves the meetings instead of
leaving cancelled duplicates. At desktop and phone width, with axe and CSP checks."""

from __future__ import annotations

import pytest
from django.utils import timezone

from meetings.models import MeetingSeries, MeetingStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_manager_builds_a_cadence_without_rrule(
    new_page, check_page, screenshot, manager, partner_a, partner_b, vendor_a, vendor_b, width
):
    page = new_page(manager, width=width)
    page.goto("/meetings/series/new/")
    check_page(page, "series form, empty")
    assert not page.is_visible("#id_rrule")  # the raw rule is the advanced option

    # Choosing the vendor brings its people in (htmx), before anything is saved.
    with page.expect_response(lambda r: "vendor=" in r.url):
        page.select_option("#id_vendor", str(vendor_a.pk))
    page.wait_for_selector(f"input[name=default_invitees][value='{partner_a.pk}']")
    assert page.locator(f"input[name=default_invitees][value='{partner_b.pk}']").count() == 0
    assert "Acme Contact's zone (Asia/Manila)" in page.locator("#id_timezone").inner_text()

    page.fill("#id_title", "Monthly review with Acme")
    page.select_option("#id_kind", "monthly_review")
    page.select_option("#id_repeat", "monthly")
    page.select_option("#id_weekday", "TH")
    page.select_option("#id_nth", "1")
    page.fill("#id_starts_on", f"{timezone.localdate().year + 1}-01-01")
    page.select_option("#id_timezone", "Europe/Berlin")
    # 18:00 Berlin in winter is 01:00 in Manila: the preview says so as it is typed.
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.fill("#id_start_time", "18:00")
        page.locator("#id_start_time").dispatch_event("change")
    page.wait_for_selector("#preview >> text=The first Thursday of every month at 18:00")
    preview = page.locator("#preview").inner_text()
    assert "01:00" in preview and "Outside the vendor's hours" in preview
    check_page(page, "series form, preview")
    page.check(f"input[name=default_invitees][value='{partner_a.pk}']")
    screenshot(page, f"meetings-series-builder-{width}")

    page.click("button:has-text('Save series')")
    page.wait_for_selector("#hours-warning")
    assert not MeetingSeries.objects.exists()
    assert "01:00 Asia/Manila" in page.locator("#hours-warning").inner_text()
    check_page(page, "series form, working-hours warning")
    screenshot(page, f"meetings-series-warning-{width}")

    # A fairer time: 09:00 Berlin (16:00 Manila) saves at once.
    page.fill("#id_start_time", "09:00")
    page.click("button:has-text('Save series')")
    page.wait_for_selector("h1:has-text('Monthly review with Acme')")
    series = MeetingSeries.objects.get()
    assert series.rrule == "FREQ=MONTHLY;BYDAY=1TH"
    assert series.meetings.first().attendances.filter(user=partner_a).exists()
    assert "The first Thursday of every month at 09:00" in page.inner_text("body")
    check_page(page, "series detail")
    screenshot(page, f"meetings-series-detail-{width}")

    # Move the series an hour later: the same meetings move, none is left cancelled.
    before = set(series.meetings.values_list("pk", flat=True))
    page.click("a:has-text('Edit series')")
    page.fill("#id_start_time", "10:00")
    page.click("button:has-text('Save series')")
    page.wait_for_selector("text=its coming meetings follow the new cadence")
    assert set(series.meetings.values_list("pk", flat=True)) == before
    assert not series.meetings.filter(status=MeetingStatus.CANCELLED).exists()
    page.goto("/meetings/?when=all")
    assert "Cancelled" not in page.locator("#results").inner_text()
    check_page(page, "meetings list after series edit")
