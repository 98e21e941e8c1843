"""Reminder sweeps for meetings: occurrences ahead, 24-hour reminders, missed meetings,
overdue action items.

Each series, meeting, invitee and action item is handled in its own transaction
(``isolated``): a series whose data cannot be written (a legacy standing agenda line
too long for an agenda item) is recorded as a failure and every other series, meeting
and reminder still goes ahead.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.utils import timezone

from vendorhub.reminders import (
    isolated,
    keyset_chunks,
    or_managers,
    register,
    register_relevance,
    remind,
)

from .models import ActionItem, Meeting, MeetingSeries, MeetingStatus
from .services import DEFAULT_AHEAD_DAYS, mark_missed, series_generate_occurrences

REMIND_BEFORE = timedelta(hours=24)


@register("meeting_occurrences")
def sweep_generate_occurrences(now: datetime) -> int:
    """Generate every active series ``MEETINGS_GENERATE_AHEAD_DAYS`` (90) ahead."""
    days = getattr(settings, "MEETINGS_GENERATE_AHEAD_DAYS", DEFAULT_AHEAD_DAYS)
    until = now + timedelta(days=days)
    created = 0
    for chunk in keyset_chunks(MeetingSeries.objects.active(), 200):
        for series in chunk:
            created += isolated(
                series,
                partial(series_generate_occurrences, series=series, since=now, until=until),
            )
    return created


@register("meeting_upcoming")
def sweep_upcoming_meetings(now: datetime) -> int:
    """Each invitee with a log-in hears 24 h ahead, with the time in their own zone."""
    sent = 0
    meetings = (
        Meeting.objects.starting_between(now, now + REMIND_BEFORE)
        .select_related("vendor")
        .prefetch_related("attendances__user")
    )
    for meeting in meetings:
        for attendance in meeting.attendances.all():
            user = attendance.user
            if user is None or attendance.status == "declined":
                continue
            sent += isolated(
                meeting, partial(_remind_upcoming, meeting, user, now), detail=f"user-{user.pk}"
            )
    return sent


def _remind_upcoming(meeting: Meeting, user, now: datetime) -> int:
    local = timezone.localtime(meeting.start, user.tzinfo)
    vendor_local = timezone.localtime(meeting.start, meeting.vendor.tzinfo)
    return int(
        remind(
            kind="meeting.upcoming",
            obj=meeting,
            stage=f"24h:user-{user.pk}",
            due_at=meeting.start,
            recipients=[user],
            message=f"Tomorrow: {meeting.title} with {meeting.vendor.name} at "
            f"{local:%a %d %b %H:%M} your time ({user.timezone}); "
            f"{vendor_local:%H:%M} for {meeting.vendor.name}",
            url=meeting.get_absolute_url(),
            vendor=meeting.vendor,
            now=now,
        )
    )


@register("meeting_missed")
def sweep_missed_meetings(now: datetime) -> int:
    """Mark meetings missed, then tell each organiser (once per meeting)."""
    mark_missed(now)
    sent = 0
    recent = now - timedelta(days=7)  # older misses were reported when they happened
    missed = Meeting.objects.filter(status=MeetingStatus.MISSED, start__gte=recent).select_related(
        "vendor__relationship_owner", "organiser"
    )
    for chunk in keyset_chunks(missed, 500):
        for meeting in chunk:
            sent += isolated(meeting, partial(_remind_missed, meeting, now))
    return sent


def _remind_missed(meeting: Meeting, now: datetime) -> int:
    recipients = or_managers([meeting.organiser or meeting.vendor.relationship_owner])
    return int(
        remind(
            kind="meeting.missed",
            obj=meeting,
            stage="missed",
            due_at=meeting.start,
            recipients=recipients,
            message=f"Missed meeting: {meeting.title} with {meeting.vendor.name} on "
            f"{meeting.start:%d %b %Y} has no attendance recorded",
            url=meeting.get_absolute_url(),
            vendor=meeting.vendor,
            now=now,
        )
    )


@register("action_items")
def sweep_overdue_action_items(now: datetime) -> int:
    """Owners of open action items past their due date hear once per due date."""
    sent = 0
    today = timezone.localdate(now, timezone.UTC)
    items = (
        ActionItem.objects.overdue(today)
        .filter(owner__isnull=False)
        .select_related("owner", "vendor", "meeting")
    )
    for chunk in keyset_chunks(items, 500):
        for item in chunk:
            sent += isolated(item, partial(_remind_action_item, item, now))
    return sent


def _remind_action_item(item: ActionItem, now: datetime) -> int:
    return int(
        remind(
            kind="action_item.overdue",
            obj=item,
            stage="overdue",
            due_at=item.due_date,
            recipients=[item.owner],
            message=f"Action overdue since {item.due_date:%d %b}: {item.title} "
            f"({item.vendor.name})",
            url=item.meeting.get_absolute_url(),
            vendor=item.vendor,
            now=now,
        )
    )


@register_relevance("meetings.meeting")
def meetings_still_relevant(ids: set[int]) -> set[int]:
    """Upcoming reminders stop when a meeting is cancelled; missed reports stand."""
    return set(
        Meeting.objects.filter(pk__in=ids)
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list("pk", flat=True)
    )


@register_relevance("meetings.actionitem")
def action_items_still_open(ids: set[int]) -> set[int]:
    return set(ActionItem.objects.filter(pk__in=ids).open().values_list("pk", flat=True))
