"""Action items: open ones carry over to the next meetings of the series until done."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from meetings.models import ActionItem
from meetings.services import action_item_update, carried_over_actions
from tests.meetings.factories import ActionItemFactory, MeetingFactory, MeetingSeriesFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def three_meetings(vendor_a):
    series = MeetingSeriesFactory(vendor=vendor_a)
    return [
        MeetingFactory(vendor=vendor_a, series=series, start=NOW + timedelta(weeks=week))
        for week in range(3)
    ]


def test_open_items_carry_over_to_every_later_meeting_until_done(three_meetings, manager):
    first, second, third = three_meetings
    item = ActionItemFactory(meeting=first, title="Fix IVR routing")
    assert list(carried_over_actions(second)) == [item]
    assert list(carried_over_actions(third)) == [item]
    assert list(carried_over_actions(first)) == []

    action_item_update(item=item, by=manager, status="done")
    assert list(carried_over_actions(third)) == []
    item.refresh_from_db()
    assert item.completed_at is not None


def test_items_of_another_series_do_not_carry_over(three_meetings, vendor_a):
    other = MeetingFactory(vendor=vendor_a, start=NOW - timedelta(days=1))
    ActionItemFactory(meeting=other)
    assert list(carried_over_actions(three_meetings[1])) == []


def test_overdue_queryset_lists_open_items_past_due(three_meetings):
    late = ActionItemFactory(meeting=three_meetings[0], due_date=date(2025, 6, 1))
    ActionItemFactory(meeting=three_meetings[0], due_date=date(2025, 6, 1), status="done")
    ActionItemFactory(meeting=three_meetings[0], due_date=date(2025, 6, 30))
    assert list(ActionItem.objects.overdue(date(2025, 6, 10))) == [late]


def test_partner_updates_own_item_but_not_someone_elses(three_meetings, partner_a):
    own = ActionItemFactory(meeting=three_meetings[0], owner=partner_a)
    other = ActionItemFactory(meeting=three_meetings[0], owner_name="Isabel")
    action_item_update(item=own, by=partner_a, status="in_progress")
    with pytest.raises(PermissionDenied):
        action_item_update(item=other, by=partner_a, status="done")
    other.refresh_from_db()
    assert other.status == "open"
