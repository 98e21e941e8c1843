"""iCalendar output: one meeting as ``.ics`` and a user's private feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from icalendar import Calendar, Event, vText

from .models import MeetingStatus

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .models import Meeting

ICS_STATUS = {
    MeetingStatus.SCHEDULED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.MISSED: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def meetings_to_ics(meetings: Iterable[Meeting], *, name: str, base_url: str = "") -> bytes:
    """An iCalendar document; times are written in UTC so every client converts them
    to its own zone. UIDs are stable, so a re-imported feed updates, not duplicates."""
    cal = Calendar()
    cal.add("prodid", "-//VendorHub//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@vendorhub")
        event.add("summary", f"{meeting.title} · {meeting.vendor.name}")
        event.add("dtstart", meeting.start)
        event.add("dtend", meeting.end)
        event.add("dtstamp", meeting.updated_at)
        event.add("status", ICS_STATUS[meeting.status])
        if meeting.channel_details:
            event.add("location", vText(meeting.channel_details))
        description = f"{meeting.get_channel_display()} with {meeting.vendor.name}."
        if base_url:
            url = base_url + meeting.get_absolute_url()
            event.add("url", url)
            description += f"\n{url}"
        event.add("description", description)
        cal.add_component(event)
    return cal.to_ical()
