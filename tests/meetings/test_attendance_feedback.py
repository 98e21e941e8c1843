"""Recording attendance with htmx updates the page's header and says so (issue 13:
"attendance saved but the header still says Missed until reload")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.meetings.factories import AttendanceFactory, MeetingFactory

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def test_recording_attendance_on_a_missed_meeting_updates_the_header(
    client_for, manager, partner_a, vendor_a
):
    meeting = MeetingFactory(
        vendor=vendor_a,
        organiser=manager,
        start=datetime.now(UTC) - timedelta(days=3),
        status="missed",
    )
    row = AttendanceFactory(meeting=meeting, user=partner_a, name="", side="vendor")
    client = client_for(manager)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert '<span id="meeting-status"><span class="badge badge-bad">Missed</span>' in page
    response = client.post(f"/meetings/{meeting.pk}/attendance/", {f"a{row.pk}": "attended"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    # The header's badge is swapped out of band, and the messages region says "recorded".
    assert '<span id="meeting-status" hx-swap-oob="true">' in html
    oob = html[html.index('<span id="meeting-status" hx-swap-oob="true">') :]
    assert oob.split("</span>")[0].endswith(">Held")
    assert "Attendance recorded." in html
    meeting.refresh_from_db()
    assert meeting.status == "held"


def test_full_page_has_no_out_of_band_copy(client_for, manager, vendor_a):
    meeting = MeetingFactory(vendor=vendor_a, organiser=manager)
    html = client_for(manager).get(f"/meetings/{meeting.pk}/").content.decode()
    assert html.count('id="meeting-status"') == 1
