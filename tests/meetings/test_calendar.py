"""``.ics`` per meeting and the private per-user feed (revocable, isolated)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from meetings.models import CalendarFeedToken
from tests.meetings.factories import AttendanceFactory, MeetingFactory

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
    # Invited to both (a mistake on the other vendor's meeting): scope still wins.
    for vendor, title in ((vendor_a, "Acme ops"), (vendor_b, "Borealis ops")):
        meeting = MeetingFactory(vendor=vendor, title=title, start=soon)
        AttendanceFactory(meeting=meeting, user=partner_a, name="", side="vendor")
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


# --- Interoperability: METHOD, ORGANIZER, ATTENDEE, SEQUENCE, STATUS (issue 13) ------------
def _events(response):
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    return cal, cal.walk("VEVENT")


def _invited_meeting(vendor, manager, partner, **fields):
    from meetings.services import attendance_set

    meeting = MeetingFactory(
        vendor=vendor,
        organiser=manager,
        start=datetime.now(UTC).replace(microsecond=0) + timedelta(days=3),
        **fields,
    )
    attendance_set(meeting=meeting, by=manager, user=partner, status="invited")
    attendance_set(
        meeting=meeting, by=manager, name="Guest without log-in", side="vendor", status="invited"
    )
    return meeting


def test_single_event_is_an_invitation_with_organizer_and_attendees(
    client_for, manager, partner_a, vendor_a
):
    meeting = _invited_meeting(vendor_a, manager, partner_a, title="Weekly ops")
    cal, (event,) = _events(client_for(partner_a).get(f"/meetings/{meeting.pk}/meeting.ics"))
    assert str(cal["method"]) == "REQUEST"
    assert str(event["uid"]) == f"meeting-{meeting.pk}@vendorhub"
    assert str(event["organizer"]) == f"mailto:{manager.email}"
    assert event["organizer"].params["CN"] == manager.get_full_name()
    attendees = event.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == [f"mailto:{partner_a.email}"]
    assert attendees[0].params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendees[0].params["ROLE"] == "REQ-PARTICIPANT"
    assert "Guest without log-in" in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"


def test_an_answer_shows_as_partstat(client_for, manager, partner_a, vendor_a):
    meeting = _invited_meeting(vendor_a, manager, partner_a)
    client_for(partner_a).post(f"/meetings/{meeting.pk}/respond/", {"status": "declined"})
    _cal, (event,) = _events(client_for(manager).get(f"/meetings/{meeting.pk}/meeting.ics"))
    attendee = event["attendee"]
    assert attendee.params["PARTSTAT"] == "DECLINED"


def test_every_change_bumps_the_stored_sequence_and_the_uid_stays(
    client_for, manager, partner_a, vendor_a
):
    from meetings.models import Meeting
    from meetings.services import attendance_set

    meeting = _invited_meeting(vendor_a, manager, partner_a)
    client = client_for(manager)
    first = int(_events(client.get(f"/meetings/{meeting.pk}/meeting.ics"))[1][0]["sequence"])

    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.start += timedelta(hours=1)  # moved
    meeting.save()
    moved = int(_events(client.get(f"/meetings/{meeting.pk}/meeting.ics"))[1][0]["sequence"])
    assert moved == first + 1 == Meeting.objects.get(pk=meeting.pk).sequence

    meeting.minutes = "Notes only"  # not something a calendar shows: no new revision
    meeting.save()
    assert Meeting.objects.get(pk=meeting.pk).sequence == moved

    attendance_set(meeting=meeting, by=manager, user=manager, status="accepted")  # invited
    assert Meeting.objects.get(pk=meeting.pk).sequence == moved + 1

    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.status = "cancelled"
    meeting.save(update_fields=["status", "updated_at"])
    cal, (event,) = _events(client.get(f"/meetings/{meeting.pk}/meeting.ics"))
    assert str(cal["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == moved + 2
    assert str(event["uid"]) == f"meeting-{meeting.pk}@vendorhub"


def test_a_held_meeting_is_published_not_requested(client_for, manager, partner_a, vendor_a):
    meeting = _invited_meeting(vendor_a, manager, partner_a, status="held")
    cal, _found = _events(client_for(manager).get(f"/meetings/{meeting.pk}/meeting.ics"))
    assert str(cal["method"]) == "PUBLISH"


def test_personal_feed_holds_the_meetings_the_user_is_invited_to(
    client, client_for, manager, partner_a, vendor_a, vendor_b
):
    from tests.factories import UserFactory
    from vendorhub.models import Role

    other_manager = UserFactory(username="tom", role=Role.MANAGER)
    mine = _invited_meeting(vendor_a, other_manager, manager, title="Invited")
    organised = MeetingFactory(
        vendor=vendor_b, organiser=manager, title="Organised",
        start=datetime.now(UTC) + timedelta(days=4),
    )  # fmt: skip
    MeetingFactory(
        vendor=vendor_b, organiser=other_manager, title="Someone else's",
        start=datetime.now(UTC) + timedelta(days=5),
    )  # fmt: skip
    url = _feed_url(client_for(manager), manager)
    client.logout()
    cal, events = _events(client.get(url))
    assert str(cal["method"]) == "PUBLISH"
    titles = sorted(str(e["summary"]).split(" · ")[0] for e in events)
    assert titles == ["Invited", "Organised"]
    assert {str(e["uid"]) for e in events} == {
        f"meeting-{mine.pk}@vendorhub",
        f"meeting-{organised.pk}@vendorhub",
    }

    # A manager may ask for every meeting, on the same URL.
    response = client_for(manager).post("/meetings/calendar-feed/scope/", {"scope": "all"})
    assert response.status_code == 302
    client.logout()
    _cal, events = _events(client.get(url))
    assert len(events) == 3


def test_only_managers_may_subscribe_to_every_meeting(client_for, partner_a, executive):
    from meetings.models import CalendarFeedToken

    for user in (partner_a, executive):
        client = client_for(user)
        client.post("/meetings/calendar-feed/new/")
        response = client.post("/meetings/calendar-feed/scope/", {"scope": "all"}, follow=True)
        assert "Only vendor managers may subscribe to every meeting." in response.content.decode()
        assert CalendarFeedToken.objects.live().get(user=user).scope == "invited"
