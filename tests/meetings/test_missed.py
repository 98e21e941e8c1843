"""``mark_missed``: past end + grace, nothing recorded, not cancelled → missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from meetings.models import MeetingStatus
from meetings.services import mark_missed
from tests.meetings.factories import AttendanceFactory, MeetingFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)


def test_meeting_past_grace_with_no_attendance_is_marked_missed(vendor_a):
    old = MeetingFactory(vendor=vendor_a, start=NOW - timedelta(days=3))
    AttendanceFactory(meeting=old, status="accepted")  # an RSVP is not attendance
    assert mark_missed(NOW) == 1
    old.refresh_from_db()
    assert old.status == MeetingStatus.MISSED
    assert mark_missed(NOW) == 0  # idempotent


def test_grace_period_counts_from_the_end_of_the_meeting(vendor_a):
    # Ended 23 h ago (started 25 h ago, 2 h long): still inside the 24 h grace.
    recent = MeetingFactory(vendor=vendor_a, start=NOW - timedelta(hours=25), duration_minutes=120)
    ended_long_ago = MeetingFactory(
        vendor=vendor_a, start=NOW - timedelta(hours=26), duration_minutes=60
    )
    assert mark_missed(NOW) == 1
    recent.refresh_from_db()
    ended_long_ago.refresh_from_db()
    assert recent.status == MeetingStatus.SCHEDULED
    assert ended_long_ago.status == MeetingStatus.MISSED
    assert mark_missed(NOW, grace=timedelta(hours=1)) == 1


def test_recorded_cancelled_and_held_meetings_are_left_alone(vendor_a):
    recorded = MeetingFactory(vendor=vendor_a, start=NOW - timedelta(days=3))
    AttendanceFactory(meeting=recorded, status="attended")
    cancelled = MeetingFactory(
        vendor=vendor_a, start=NOW - timedelta(days=3), status=MeetingStatus.CANCELLED
    )
    assert mark_missed(NOW) == 0
    recorded.refresh_from_db()
    cancelled.refresh_from_db()
    assert (recorded.status, cancelled.status) == ("scheduled", "cancelled")
