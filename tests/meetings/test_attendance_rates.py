"""Attendance rate per side per vendor (feeds the scorecard) and quorum shortfall."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from meetings.services import attendance_rates
from tests.meetings.factories import AttendanceFactory, MeetingFactory, MeetingSeriesFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=90)


def _meeting(vendor, status="held", days_ago=10, **kwargs):
    return MeetingFactory(
        vendor=vendor, status=status, start=NOW - timedelta(days=days_ago), **kwargs
    )


def test_rates_per_side_count_present_over_expected_and_skip_excused(vendor_a, vendor_b):
    held = _meeting(vendor_a)
    AttendanceFactory(meeting=held, side="client", status="attended")
    AttendanceFactory(meeting=held, side="client", status="absent")
    AttendanceFactory(meeting=held, side="vendor", status="late")
    AttendanceFactory(meeting=held, side="vendor", status="excused")
    missed = _meeting(vendor_a, status="missed")
    AttendanceFactory(meeting=missed, side="vendor", status="accepted")  # never showed up
    # Outside the window, scheduled or cancelled: not counted.
    AttendanceFactory(meeting=_meeting(vendor_a, days_ago=120), side="client", status="absent")
    AttendanceFactory(
        meeting=_meeting(vendor_a, status="cancelled"), side="client", status="absent"
    )
    AttendanceFactory(meeting=_meeting(vendor_b), side="client", status="attended")

    rates = attendance_rates([vendor_a.pk, vendor_b.pk], SINCE, NOW)

    assert rates[vendor_a.pk] == {"client": 0.5, "vendor": 0.5}
    assert rates[vendor_b.pk] == {"client": 1.0, "vendor": None}


def test_rates_take_a_bounded_number_of_queries(vendor_a, vendor_b, django_assert_max_num_queries):
    for _ in range(5):
        AttendanceFactory(meeting=_meeting(vendor_a), side="vendor", status="attended")
        AttendanceFactory(meeting=_meeting(vendor_b), side="vendor", status="absent")
    with django_assert_max_num_queries(1):
        rates = attendance_rates([vendor_a.pk, vendor_b.pk], SINCE, NOW)
    assert rates[vendor_a.pk]["vendor"] == 1.0
    assert rates[vendor_b.pk]["vendor"] == 0.0


def test_vendor_without_meetings_has_no_data_not_zero(vendor_a):
    assert attendance_rates([vendor_a.pk], SINCE, NOW) == {
        vendor_a.pk: {"client": None, "vendor": None}
    }


def test_held_meeting_without_a_required_role_is_short_of_quorum(vendor_a):
    series = MeetingSeriesFactory(vendor=vendor_a, required_roles="Account director, Ops lead")
    meeting = _meeting(vendor_a, series=series)
    AttendanceFactory(meeting=meeting, role="Ops lead", status="attended")
    AttendanceFactory(meeting=meeting, role="Account director", status="absent")
    assert meeting.quorum_shortfall() == ["Account director"]
    AttendanceFactory(meeting=meeting, role="account director", status="late")
    assert meeting.quorum_shortfall() == []
