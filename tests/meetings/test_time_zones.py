"""Working-hour warnings for either side and the slot suggester."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime

import pytest

from meetings.services import suggest_slots
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def test_meeting_inside_both_sides_hours_has_no_warning(vendor_a, manager):
    # Manila 15:00 = Berlin 09:00 (summer): inside 09-18 on both sides.
    meeting = MeetingFactory(
        vendor=vendor_a, organiser=manager, start=datetime(2025, 6, 10, 7, 0, tzinfo=UTC)
    )
    assert meeting.working_hours_warnings() == []


def test_meeting_outside_the_vendors_hours_is_flagged(vendor_a, manager):
    # Berlin 16:00 is Manila 22:00.
    meeting = MeetingFactory(
        vendor=vendor_a, organiser=manager, start=datetime(2025, 6, 10, 14, 0, tzinfo=UTC)
    )
    warnings = meeting.working_hours_warnings()
    assert len(warnings) == 1
    assert "Acme Contact" in warnings[0]
    assert "22:00" in warnings[0]


def test_meeting_outside_the_client_hours_is_flagged(vendor_a, manager):
    # Manila 10:00 is Berlin 04:00.
    meeting = MeetingFactory(
        vendor=vendor_a, organiser=manager, start=datetime(2025, 6, 10, 2, 0, tzinfo=UTC)
    )
    assert meeting.working_hours_warnings() == [
        "Outside client working hours (Tue 04:00 Europe/Berlin)."
    ]


def test_slot_suggester_stays_inside_both_working_windows(vendor_a):
    slots = suggest_slots(
        vendor=vendor_a, client_tz=BERLIN, week_start=date(2025, 6, 9), duration_minutes=60
    )
    # Overlap Berlin 09:00-12:00 = Manila 15:00-18:00: one-hour meetings start 09:00 to
    # 11:00 Berlin, every half hour = 5 starts x 5 weekdays.
    assert len(slots) == 25
    for slot in slots:
        berlin, manila = slot.astimezone(BERLIN), slot.astimezone(vendor_a.tzinfo)
        assert 9 <= berlin.hour <= 11
        assert 15 <= manila.hour <= 17
        assert berlin.isoweekday() <= 5
