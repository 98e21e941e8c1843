"""Two managers edit the same meeting: the second save is refused with a visible 409
instead of silently moving the meeting back (issue 13, "Errors vanish")."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

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
