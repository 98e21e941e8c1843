"""``.ics`` per meeting and the private per-user feed (revocable, isolated)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from meetings.models import CalendarFeedToken
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_ics_parses_back_with_the_same_instant(client_for, partner_a, vendor_a):
    start = datetime(2030, 3, 4, 7, 30, tzinfo=UTC)
    meeting = MeetingFactory(vendor=vendor_a, title="Weekly ops", start=start, duration_minutes=45)
    response = client_for(partner_a).get(f"/meetings/{meeting.pk}/meeting.ics")
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + timedelta(minutes=45)
    assert "Weekly ops" in str(event["summary"])


def _feed_url(client, user):
    client.post("/meetings/calendar-feed/new/")
    return f"/meetings/feed/{CalendarFeedToken.objects.live().get(user=user).key}.ics"


def test_feed_lists_only_meetings_the_user_may_see(
    client, client_for, partner_a, vendor_a, vendor_b
):
    soon = datetime.now(UTC) + timedelta(days=2)
    MeetingFactory(vendor=vendor_a, title="Acme ops", start=soon)
    MeetingFactory(vendor=vendor_b, title="Borealis ops", start=soon)
    url = _feed_url(client_for(partner_a), partner_a)
    client.logout()
    response = client.get(url)  # calendar apps fetch without a session
    summaries = [str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert summaries == ["Acme ops · Acme Contact"]


def test_revoked_or_replaced_feed_url_is_404(client, client_for, manager):
    logged_in = client_for(manager)
    first = _feed_url(logged_in, manager)
    second = _feed_url(logged_in, manager)
    assert first != second
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    client_for(manager).post("/meetings/calendar-feed/revoke/")
    client.logout()
    assert client.get(second).status_code == 404
    assert client.get("/meetings/feed/not-a-key.ics").status_code == 404


def test_feed_settings_page_shows_the_url(client_for, manager):
    client = client_for(manager)
    client.post("/meetings/calendar-feed/new/")
    html = client.get("/meetings/calendar-feed/").content.decode()
    assert "/meetings/feed/" in html
