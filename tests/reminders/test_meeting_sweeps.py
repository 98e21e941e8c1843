"""Meeting reminders 24 h ahead, missed meetings, overdue action items, occurrences."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from meetings.models import Meeting
from meetings.reminders import (
    sweep_missed_meetings,
    sweep_overdue_action_items,
    sweep_upcoming_meetings,
)
from tests.meetings.factories import ActionItemFactory, AttendanceFactory, MeetingFactory
from vendorhub.models import Notification, Reminder

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def meeting(vendor_a, manager, partner_a):
    m = MeetingFactory(vendor=vendor_a, start=START, organiser=manager, title="Weekly ops")
    AttendanceFactory(meeting=m, user=manager, name="", side="client", status="accepted")
    AttendanceFactory(meeting=m, user=partner_a, name="", side="vendor", status="invited")
    return m


def test_upcoming_reminder_24h_ahead_in_each_attendees_zone(meeting, manager, partner_a):
    assert sweep_upcoming_meetings(START - timedelta(hours=24, seconds=1)) == 0
    assert sweep_upcoming_meetings(START - timedelta(hours=24) + timedelta(seconds=1)) == 2
    assert sweep_upcoming_meetings(START - timedelta(hours=2)) == 0
    manager_text = Notification.objects.get(recipient=manager).message
    partner_text = Notification.objects.get(recipient=partner_a).message
    assert "10:00 your time (Europe/Berlin)" in manager_text
    assert "17:00 your time (Asia/Manila)" in partner_text


def test_declined_attendee_is_not_reminded(meeting, partner_a):
    meeting.attendances.filter(user=partner_a).update(status="declined")
    assert sweep_upcoming_meetings(START - timedelta(hours=12)) == 1


def test_missed_meeting_marked_and_organiser_told_once(meeting, manager):
    grace_end = meeting.end + timedelta(hours=24)
    assert sweep_missed_meetings(grace_end - timedelta(seconds=1)) == 0
    assert sweep_missed_meetings(grace_end + timedelta(seconds=1)) == 1
    assert sweep_missed_meetings(grace_end + timedelta(hours=1)) == 0
    meeting.refresh_from_db()
    assert meeting.status == "missed"
    assert Notification.objects.get(kind="meeting.missed").recipient == manager


def test_cancelled_meeting_is_not_missed(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")
    assert sweep_missed_meetings(meeting.end + timedelta(days=2)) == 0


def test_overdue_action_item_reminds_its_owner_once(meeting, partner_a):
    ActionItemFactory(meeting=meeting, owner=partner_a, side="vendor", due_date=date(2026, 3, 12))
    assert sweep_overdue_action_items(datetime(2026, 3, 12, 23, 0, tzinfo=UTC)) == 0
    assert sweep_overdue_action_items(datetime(2026, 3, 13, 0, 1, tzinfo=UTC)) == 1
    assert sweep_overdue_action_items(datetime(2026, 3, 14, 0, 1, tzinfo=UTC)) == 0
    assert Reminder.objects.get().kind == "action_item.overdue"


def test_reminder_for_a_meeting_cancelled_meanwhile_is_not_emailed(meeting):
    from django.core import mail

    from vendorhub.models import EmailOutbox
    from vendorhub.outbox import send_outbox

    sweep_upcoming_meetings(START - timedelta(hours=12))
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")
    assert send_outbox(START - timedelta(hours=12)) == 0
    assert mail.outbox == []
    assert set(EmailOutbox.objects.values_list("status", flat=True)) == {"dropped"}
