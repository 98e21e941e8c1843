"""``/api/v1/meetings/``: offsets preserved, scoping, attendance and agenda actions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from meetings.models import Attendance, Meeting
from tests.meetings.factories import AttendanceFactory, MeetingFactory, MeetingSeriesFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/meetings/"


def test_start_posted_with_an_offset_keeps_its_instant(api_for, manager, vendor_a):
    response = api_for(manager).post(
        URL,
        {
            "vendor": "acme-contact",
            "title": "Escalation call",
            "start": "2025-06-10T16:30:00+08:00",
            "duration_minutes": 30,
            "status": "scheduled",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.start == datetime(2025, 6, 10, 8, 30, tzinfo=UTC)
    assert response.json()["vendor_local_start"].startswith("2025-06-10T16:30:00+08:00")
    assert response.json()["start"].endswith(("Z", "+00:00"))


def test_start_without_offset_is_refused(api_for, manager, vendor_a):
    response = api_for(manager).post(
        URL,
        {"vendor": "acme-contact", "title": "x", "start": "2025-06-10T16:30:00"},
        format="json",
    )
    assert response.status_code == 400
    assert "offset" in response.json()["start"][0]
    assert not Meeting.objects.exists()


def test_series_of_another_vendor_is_refused(api_for, manager, vendor_a, vendor_b):
    series = MeetingSeriesFactory(vendor=vendor_b)
    response = api_for(manager).post(
        URL,
        {
            "vendor": "acme-contact",
            "series": series.pk,
            "title": "x",
            "start": "2025-06-10T10:00:00+02:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "series" in response.json()


def test_partner_of_other_vendor_gets_404_everywhere(api_for, partner_b, vendor_a):
    meeting = MeetingFactory(vendor=vendor_a)
    api = api_for(partner_b)
    assert api.get(URL).json()["count"] == 0
    for suffix in ("", "attendance/", "agenda/"):
        assert api.get(f"{URL}{meeting.pk}/{suffix}").status_code == 404
    assert api.post(f"{URL}{meeting.pk}/agenda/", {"title": "x"}, format="json").status_code == 404
    response = api.post(
        f"{URL}{meeting.pk}/attendance/",
        {"user": "partner_b", "status": "accepted"},
        format="json",
    )
    assert response.status_code == 404
    assert not meeting.agenda_items.exists()


def test_executive_cannot_write(api_for, executive, vendor_a):
    meeting = MeetingFactory(vendor=vendor_a)
    api = api_for(executive)
    assert api.patch(f"{URL}{meeting.pk}/", {"title": "x"}, format="json").status_code == 403
    assert api.post(f"{URL}{meeting.pk}/agenda/", {"title": "x"}, format="json").status_code == 403
    response = api.post(
        f"{URL}{meeting.pk}/attendance/", {"name": "Bob", "side": "client", "status": "attended"}
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_partner_accepts_own_invitation_but_cannot_record_others(api_for, partner_a, vendor_a):
    meeting = MeetingFactory(vendor=vendor_a)
    api = api_for(partner_a)
    response = api.post(
        f"{URL}{meeting.pk}/attendance/", {"user": "partner_a", "status": "accepted"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["side"] == "vendor"
    row = meeting.attendances.get()
    assert (row.user, row.status) == (partner_a, "accepted")

    assert (
        api.post(f"{URL}{meeting.pk}/attendance/", {"user": "partner_a", "status": "attended"})
    ).status_code == 400
    assert (
        api.post(
            f"{URL}{meeting.pk}/attendance/",
            {"name": "Bob", "side": "vendor", "status": "accepted"},
        )
    ).status_code == 403
    row.refresh_from_db()
    assert row.status == "accepted"


def test_manager_records_a_named_guest_and_bad_status_is_a_field_error(api_for, manager, vendor_a):
    meeting = MeetingFactory(vendor=vendor_a)
    api = api_for(manager)
    ok = api.post(
        f"{URL}{meeting.pk}/attendance/",
        {
            "name": "Isabel Reyes",
            "side": "vendor",
            "status": "attended",
            "role": "Account director",
        },
    )
    assert ok.status_code == 201
    again = api.post(
        f"{URL}{meeting.pk}/attendance/",
        {"name": "Isabel Reyes", "side": "vendor", "status": "late"},
    )
    assert again.status_code == 201
    assert meeting.attendances.get().status == "late"  # upsert, not a second row
    bad = api.post(f"{URL}{meeting.pk}/attendance/", {"name": "X", "side": "vendor", "status": "?"})
    assert bad.status_code == 400
    assert "status" in bad.json()
    assert meeting.attendances.count() == 1


def test_partner_adds_an_agenda_point(api_for, partner_a, vendor_a):
    meeting = MeetingFactory(vendor=vendor_a)
    response = api_for(partner_a).post(
        f"{URL}{meeting.pk}/agenda/", {"title": "Staffing for the holiday peak"}
    )
    assert response.status_code == 201
    assert response.json()["added_by"] == "partner_a"
    assert api_for(partner_a).post(f"{URL}{meeting.pk}/agenda/", {"title": ""}).status_code == 400


def test_meeting_list_has_a_bounded_number_of_queries(
    api_for, manager, vendor_a, vendor_b, django_assert_max_num_queries
):
    series = MeetingSeriesFactory(vendor=vendor_a, owner=manager)
    for index in range(6):
        meeting = MeetingFactory(vendor=(vendor_a, vendor_b)[index % 2], organiser=manager)
        AttendanceFactory(meeting=meeting)
    MeetingFactory(vendor=vendor_a, series=series)
    api = api_for(manager)
    with django_assert_max_num_queries(6):
        response = api.get(URL)
    assert response.json()["count"] == 7
