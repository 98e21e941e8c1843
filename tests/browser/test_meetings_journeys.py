"""Main meetings journey in headless Chromium: a manager sets up a weekly cadence with
a vendor in another time zone, the partner sees it in local time and accepts, the
manager records attendance and the rate shows on the vendor page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Attendance, Meeting, MeetingSeries

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_cadence_accept_record_and_rate(
    page,
    login,
    screenshot,
    check_page,
    manager,
    partner_a,
    vendor_a,
    vendor_b,
    browser,
    live_server,
    nav,
    at_width,
    width,
):
    at_width(page, width)
    login(page, manager)
    nav(page, "Meetings")
    page.wait_for_url("**/meetings/")
    page.goto("/meetings/series/new/")
    page.select_option("#id_vendor", str(vendor_a.pk))
    page.fill("#id_title", "Weekly ops with Acme")
    page.select_option("#id_kind", "weekly_ops")
    page.select_option("#id_repeat", "weekly")
    page.select_option("#id_weekday", "TU")
    page.fill("#id_start_time", "16:00")
    page.select_option("#id_timezone", "Asia/Manila")
    page.fill("#id_duration_minutes", "45")
    page.fill("#id_channel_details", "https://meet.example/acme")
    page.check(f"input[name=default_invitees][value='{manager.pk}']")
    check_page(page, "meetings-series-form")
    screenshot(page, f"meetings-series-form-{width}")
    page.click("button:has-text('Save series')")
    page.wait_for_selector("h1:has-text('Weekly ops with Acme')")
    assert MeetingSeries.objects.get().meetings.count() >= 12
    check_page(page, "meetings-series-detail-manager")
    screenshot(page, f"meetings-series-detail-manager-{width}")

    # The manager (Berlin) sees 16:00 Manila as 09:00 or 10:00 his time.
    page.click(".card >> a >> nth=0")
    page.wait_for_selector("#attendance")
    assert "16:00" in page.locator("dl.facts").inner_text()
    meeting_url = page.url
    # Invite the partner, with htmx (no reload).
    page.click("#attendance summary:has-text('Invite someone')")
    page.select_option("#id_user", str(partner_a.pk))
    page.click("#attendance button:has-text('Invite')")
    page.wait_for_selector(f"#attendance >> text={partner_a.get_full_name()}")

    # Partner: own local time, accepts, adds an agenda point.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    partner_page = context.new_page()
    errors = []
    partner_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(partner_page, partner_a)
    partner_page.goto(meeting_url)
    assert "16:00" in partner_page.locator("dl.facts").inner_text()
    partner_page.click("#attendance button:has-text('Accept')")
    partner_page.wait_for_selector("#attendance >> text=Accepted")
    partner_page.fill("#id_title", "Holiday staffing plan")
    partner_page.click("#agenda button:has-text('Add to agenda')")
    partner_page.wait_for_selector("#agenda >> text=Holiday staffing plan")
    screenshot(partner_page, "meetings-detail-partner-phone")
    assert errors == []  # no CSP violation or script error on the partner's pages
    assert partner_page.goto(f"/vendors/{vendor_b.slug}/").status == 404
    context.close()

    # The meeting has taken place (time travel for the test), the manager records
    # attendance (htmx) and sees the rate on the vendor page.
    meeting_id = int(meeting_url.rstrip("/").split("/")[-1])
    Meeting.objects.filter(pk=meeting_id).update(start=timezone.now() - timedelta(hours=2))
    page.goto(meeting_url)
    rows = Attendance.objects.filter(meeting__series__title="Weekly ops with Acme")
    for row in rows.filter(meeting_id=meeting_id):
        page.select_option(f"#id_a{row.pk}", "attended")
    with page.expect_response(lambda r: r.url.endswith("/attendance/")):
        page.click("#attendance button:has-text('Record attendance')")
    page.reload()
    assert "Held" in page.locator("h1").inner_text()
    check_page(page, "meetings-detail-manager")
    screenshot(page, f"meetings-detail-manager-{width}")
    page.goto(f"/vendors/{vendor_a.slug}/")
    section = page.locator("#vendor-meetings")
    assert "100 %" in section.inner_text()
    check_page(page, "meetings-vendor-section")
    screenshot(page, f"meetings-vendor-section-{width}")
    page.goto("/meetings/")
    check_page(page, "meetings-list-manager")
    screenshot(page, f"meetings-list-manager-{width}")
    assert page.console_errors == []
