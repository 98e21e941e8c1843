"""The vendor page shows the next meetings and the 90-day attendance rate per side."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.meetings.factories import AttendanceFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_vendor_page_shows_rates_and_next_meetings(client_for, partner_a, vendor_a):
    now = datetime.now(UTC)
    held = MeetingFactory(vendor=vendor_a, status="held", start=now - timedelta(days=5))
    AttendanceFactory(meeting=held, side="client", status="attended")
    AttendanceFactory(meeting=held, side="vendor", status="attended")
    AttendanceFactory(meeting=held, side="vendor", status="absent")
    upcoming = MeetingFactory(vendor=vendor_a, start=now + timedelta(days=2))
    html = client_for(partner_a).get("/vendors/acme-contact/").content.decode()
    assert "Client attendance, 90 days" in html
    assert "100 %" in html and "50 %" in html
    assert f"/meetings/{upcoming.pk}/" in html
    assert f"/meetings/{held.pk}/" not in html  # past meetings are not "next"


def test_vendor_without_meetings_shows_no_data(client_for, manager, vendor_a):
    html = client_for(manager).get("/vendors/acme-contact/").content.decode()
    assert "No data" in html
    assert "No meeting planned." in html


def test_meetings_section_adds_a_bounded_number_of_queries(
    client_for, manager, vendor_a, django_assert_max_num_queries
):
    client = client_for(manager)
    now = datetime.now(UTC)
    for days in range(1, 6):
        meeting = MeetingFactory(vendor=vendor_a, start=now + timedelta(days=days))
        AttendanceFactory(meeting=meeting)
    with django_assert_max_num_queries(40):
        response = client.get("/vendors/acme-contact/")
    assert response.status_code == 200
