"""iCalendar output (RFC 5545 / iTIP RFC 5546): one meeting as ``.ics`` and a user's
private feed.

What makes Outlook, Google and Apple Calendar *update* the copy they hold rather than
add a second one or ignore the change:

- a stable ``UID`` per meeting, and a ``SEQUENCE`` that grows with every change (stored
  on the meeting: ``Meeting.sequence``);
- ``METHOD``: ``PUBLISH`` for a subscribed feed (read-only events); for a single
  downloaded event, ``REQUEST`` (an invitation the user's calendar adds and later
  updates) or ``CANCEL`` when the meeting is cancelled;
- ``ORGANIZER`` and one ``ATTENDEE`` per invitee with an address, with ``PARTSTAT``
  from their answer; ``STATUS:CANCELLED`` for a cancelled meeting.

Times are written in UTC, so every client converts them to its own zone.
"""

from __future__ import annotations

from email.utils import parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from .models import AttendanceStatus, MeetingStatus

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .models import Attendance, Meeting

ICS_STATUS = {
    MeetingStatus.SCHEDULED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.MISSED: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}

# An invitee's answer (or what the organiser recorded) as an iCalendar participation
# status. After the meeting, "attended"/"late" mean they had accepted; "excused" that
# they had declined; "absent" tells nothing about their answer.
PARTSTAT = {
    AttendanceStatus.INVITED: "NEEDS-ACTION",
    AttendanceStatus.ACCEPTED: "ACCEPTED",
    AttendanceStatus.DECLINED: "DECLINED",
    AttendanceStatus.ATTENDED: "ACCEPTED",
    AttendanceStatus.LATE: "ACCEPTED",
    AttendanceStatus.EXCUSED: "DECLINED",
    AttendanceStatus.ABSENT: "NEEDS-ACTION",
}

PUBLISH, REQUEST, CANCEL = "PUBLISH", "REQUEST", "CANCEL"


def method_for(meeting: Meeting) -> str:
    """A single event: an invitation while it is planned, a cancellation once
    cancelled, a plain published record for one that has taken place."""
    if meeting.status == MeetingStatus.CANCELLED:
        return CANCEL
    if meeting.status == MeetingStatus.SCHEDULED:
        return REQUEST
    return PUBLISH


def event_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@vendorhub"


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def _organizer(meeting: Meeting) -> vCalAddress:
    person = meeting.organiser or (meeting.series.owner if meeting.series_id else None)
    if person is not None and person.email:
        return _address(person.email, person.get_full_name() or person.username)
    name, email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return _address(email or "vendorhub@localhost", name or "VendorHub")


def _attendee(row: Attendance) -> vCalAddress | None:
    email = row.user.email if row.user_id else ""
    if not email:
        return None  # a guest without an address is named in the description instead
    return _address(
        email,
        row.display_name,
        CUTYPE="INDIVIDUAL",
        ROLE="REQ-PARTICIPANT",
        PARTSTAT=PARTSTAT.get(row.status, "NEEDS-ACTION"),
        RSVP="TRUE" if row.status == AttendanceStatus.INVITED else "FALSE",
    )


def meeting_event(meeting: Meeting, *, base_url: str = "") -> Event:
    """One VEVENT. ``meeting.attendances`` should be prefetched with their users."""
    event = Event()
    event.add("uid", event_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("summary", f"{meeting.title} · {meeting.vendor.name}")
    event.add("dtstart", meeting.start)
    event.add("dtend", meeting.end)
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("status", ICS_STATUS[meeting.status])
    event.add("organizer", _organizer(meeting))
    guests = []
    for row in meeting.attendances.all():
        address = _attendee(row)
        if address is None:
            guests.append(row.display_name)
        else:
            event.add("attendee", address, encode=0)
    if meeting.channel_details:
        event.add("location", vText(meeting.channel_details))
    description = f"{meeting.get_channel_display()} with {meeting.vendor.name}."
    if guests:
        description += "\nAlso invited: " + ", ".join(guests) + "."
    if base_url:
        url = base_url + meeting.get_absolute_url()
        event.add("url", url)
        description += f"\n{url}"
    event.add("description", description)
    return event


def meetings_to_ics(
    meetings: Iterable[Meeting], *, name: str, method: str = PUBLISH, base_url: str = ""
) -> bytes:
    """An iCalendar document of ``meetings`` with the given ``METHOD``."""
    cal = Calendar()
    cal.add("prodid", "-//VendorHub//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, base_url=base_url))
    return cal.to_ical()
