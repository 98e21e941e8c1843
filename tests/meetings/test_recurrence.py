"""Series expansion: wall-clock time kept across DST, idempotent, edits kept."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest

from meetings.models import Meeting, MeetingStatus
from meetings.services import generate_ahead, meeting_update, series_generate_occurrences
from tests.meetings.factories import MeetingSeriesFactory

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def _series(vendor, **kwargs):
    defaults = {"starts_on": date(2025, 3, 1), "start_time": time(10, 0)}
    return MeetingSeriesFactory(vendor=vendor, **{**defaults, **kwargs})


def test_weekly_rule_keeps_local_wall_clock_across_dst_change(vendor_a):
    series = _series(vendor_a, rrule="FREQ=WEEKLY;BYDAY=TU", timezone="Europe/Berlin")
    created = series_generate_occurrences(
        series=series,
        since=datetime(2025, 3, 20, tzinfo=UTC),
        until=datetime(2025, 4, 10, tzinfo=UTC),
    )
    starts = list(series.meetings.order_by("start").values_list("start", flat=True))
    assert created == 3
    # 25 Mar is before the change (UTC+1), 1 and 8 Apr after it (UTC+2).
    assert [s.astimezone(UTC).hour for s in starts] == [9, 8, 8]
    assert {s.astimezone(BERLIN).time() for s in starts} == {time(10, 0)}


def test_regenerating_creates_nothing_new(vendor_a):
    series = _series(vendor_a)
    window = {"since": datetime(2025, 3, 1, tzinfo=UTC), "until": datetime(2025, 6, 1, tzinfo=UTC)}
    first = series_generate_occurrences(series=series, **window)
    second = series_generate_occurrences(series=series, **window)
    assert first == 13
    assert second == 0
    assert series.meetings.count() == 13


def test_regenerating_keeps_a_moved_occurrence(vendor_a):
    series = _series(vendor_a)
    window = {"since": datetime(2025, 3, 1, tzinfo=UTC), "until": datetime(2025, 4, 1, tzinfo=UTC)}
    series_generate_occurrences(series=series, **window)
    meeting = series.meetings.order_by("start").first()
    meeting.start = meeting.start.replace(hour=14)
    meeting.title = "Moved to the afternoon"
    meeting_update(meeting=meeting, changed=["start", "title"])

    assert series_generate_occurrences(series=series, **window) == 0
    meeting.refresh_from_db()
    assert meeting.start.hour == 14
    assert meeting.title == "Moved to the afternoon"
    assert meeting.is_exception


def _four_weeks_ahead() -> dict:
    """Monday 00:00 UTC a week or two ahead, and four weeks from it: every weekday
    occurs exactly four times inside, whatever day the test runs."""
    now = datetime.now(UTC)
    monday = (now + timedelta(days=14 - now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return {"since": monday, "until": monday + timedelta(days=28) - timedelta(seconds=1)}


def test_changed_rule_moves_untouched_future_occurrences_instead_of_cancelling(vendor_a):
    window = _four_weeks_ahead()
    series = _series(vendor_a, starts_on=window["since"].date())
    series_generate_occurrences(series=series, **window)
    before = set(series.meetings.values_list("pk", flat=True))
    assert len(before) == 4
    series.rrule = "FREQ=WEEKLY;BYDAY=TH"
    series.save()
    assert series_generate_occurrences(series=series, **window) == 0
    # Same rows, now on Thursdays: no Tuesday left behind as "Cancelled".
    assert not series.meetings.filter(status=MeetingStatus.CANCELLED).exists()
    thursdays = series.meetings.filter(start__week_day=5, status=MeetingStatus.SCHEDULED)
    assert set(thursdays.values_list("pk", flat=True)) == before
    assert set(thursdays.values_list("sequence", flat=True)) == {1}


def test_a_rule_meeting_less_often_cancels_only_the_surplus(vendor_a):
    window = _four_weeks_ahead()
    series = _series(vendor_a, starts_on=window["since"].date())
    series_generate_occurrences(series=series, **window)
    series.rrule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    series.save()
    series_generate_occurrences(series=series, **window)
    assert series.meetings.filter(status=MeetingStatus.SCHEDULED).count() == 2
    assert series.meetings.filter(status=MeetingStatus.CANCELLED).count() == 2


def test_standing_agenda_and_default_invitees_are_put_on_new_meetings(
    vendor_a, manager, partner_a, partner_b
):
    series = _series(vendor_a, standing_agenda="KPI review\nStaffing")
    series.default_invitees.set([manager, partner_a, partner_b])
    series_generate_occurrences(
        series=series,
        since=datetime(2025, 3, 1, tzinfo=UTC),
        until=datetime(2025, 3, 12, tzinfo=UTC),
    )
    meeting = series.meetings.order_by("start").first()
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["KPI review", "Staffing"]
    # partner_b works for another vendor and is never invited to vendor_a's meetings.
    assert set(meeting.attendances.values_list("user__username", "side")) == {
        ("manager", "client"),
        ("partner_a", "vendor"),
    }


def test_generate_ahead_covers_every_active_series(vendor_a, vendor_b):
    now = datetime.now(UTC)
    _series(vendor_a, starts_on=now.date())
    _series(vendor_b, starts_on=now.date(), rrule="FREQ=MONTHLY;BYDAY=1TH")
    _series(vendor_b, starts_on=now.date(), is_active=False)
    created = generate_ahead(now, days=60)
    assert Meeting.objects.count() == created
    assert 9 <= created <= 12  # ~9 Tuesdays + 2 first Thursdays
    assert generate_ahead(now, days=60) == 0
