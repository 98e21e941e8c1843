"""Each side sees the meeting in its own zone with the other side's local time beside it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db
START = datetime(2027, 3, 9, 9, 0, tzinfo=UTC)  # 10:00 Berlin, 17:00 Manila


def test_partner_list_shows_the_clients_local_time(client_for, manager, partner_a, vendor_a):
    MeetingFactory(vendor=vendor_a, start=START, organiser=manager, title="Weekly ops")
    body = client_for(partner_a).get("/meetings/?when=upcoming").content.decode()
    assert "Client local" in body
    assert "Tue 10:00" in body and "Europe/Berlin" in body  # the client's wall clock
    assert "17:00" in body  # the partner's own (Manila) time


def test_manager_list_shows_the_vendors_local_time(client_for, manager, vendor_a):
    MeetingFactory(vendor=vendor_a, start=START, organiser=manager, title="Weekly ops")
    body = client_for(manager).get("/meetings/?when=upcoming").content.decode()
    assert "Vendor local" in body
    assert "Tue 17:00" in body and "Asia/Manila" in body


def test_partner_detail_shows_the_client_side_time(client_for, manager, partner_a, vendor_a):
    meeting = MeetingFactory(vendor=vendor_a, start=START, organiser=manager)
    body = client_for(partner_a).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Client side" in body and "Tue 9 Mar, 10:00" in body
