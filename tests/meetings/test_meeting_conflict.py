"""Two managers edit the same meeting: the second save is refused with a visible 409
instead of silently moving the meeting back (issue 13, "Errors vanish")."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from meetings.models import Meeting
from meetings.services import meeting_update
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(vendor_a, manager):
    return MeetingFactory(
        vendor=vendor_a,
        organiser=manager,
        title="Weekly ops",
        start=datetime(2030, 6, 11, 7, 0, tzinfo=UTC),
    )


def _opened(client, meeting) -> dict:
    html = client.get(f"/meetings/{meeting.pk}/edit/").content.decode()
    based_on = re.search(r'name="based_on" value="(\d+)"', html).group(1)
    return {
        "title": meeting.title,
        "start": "2030-06-11T09:00",  # the manager's zone (Berlin, summer): 07:00 UTC
        "duration_minutes": 60,
        "status": "scheduled",
        "channel": "video",
        "channel_details": "",
        "based_on": based_on,
    }


def test_stale_meeting_edit_is_a_visible_409(client_for, manager, meeting):
    client = client_for(manager)
    form = _opened(client, meeting)
    meeting.start = datetime(2030, 6, 12, 7, 0, tzinfo=UTC)  # a colleague moves it
    meeting_update(meeting=meeting, changed=["start"], by=manager)

    response = client.post(f"/meetings/{meeting.pk}/edit/", {**form, "title": "Ops sync"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this" in html and "data-error-summary" in html
    assert "Someone else changed this meeting after you opened it." in html
    meeting.refresh_from_db()
    assert meeting.title == "Weekly ops"
    assert meeting.start == datetime(2030, 6, 12, 7, 0, tzinfo=UTC)


def test_fresh_meeting_edit_saves(client_for, manager, meeting):
    client = client_for(manager)
    form = _opened(client, meeting)
    response = client.post(f"/meetings/{meeting.pk}/edit/", {**form, "title": "Ops sync"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Ops sync"
    assert meeting.sequence == 1


# --- Working hours on a one-off meeting -------------------------------------------------
def _new(vendor, start: str) -> dict:
    return {
        "vendor": vendor.pk,
        "title": "Escalation call",
        "start": start,
        "duration_minutes": 30,
        "status": "scheduled",
        "channel": "video",
        "channel_details": "",
    }


def test_one_off_meeting_outside_hours_needs_save_anyway(client_for, manager, vendor_a):
    client = client_for(manager)
    form = _new(vendor_a, "2031-01-08T18:00")  # a Wednesday: 01:00 Thursday in Manila
    response = client.post("/meetings/new/", form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Outside Acme Contact&#x27;s working hours (Thu 01:00 Asia/Manila)." in html
    assert "Save anyway" in html
    assert not Meeting.objects.exists()
    assert client.post("/meetings/new/", {**form, "outside_hours": "accept"}).status_code == 302
    assert Meeting.objects.get().organiser == manager


def test_editing_a_meeting_without_moving_it_does_not_ask_again(client_for, manager, vendor_a):
    meeting = MeetingFactory(
        vendor=vendor_a, organiser=manager, start=datetime(2031, 1, 8, 17, 0, tzinfo=UTC)
    )
    client = client_for(manager)
    form = _opened(client, meeting)
    form["start"] = "2031-01-08T18:00"  # as stored (Berlin, winter)
    response = client.post(f"/meetings/{meeting.pk}/edit/", {**form, "title": "Renamed"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Renamed"
