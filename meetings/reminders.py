"""Reminder sweeps for meetings: occurrences ahead, 24-hour reminders, missed meetings,
overdue action items."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from vendorhub.reminders import or_managers, register, register_relevance, remind

from .models import ActionItem, Meeting, MeetingStatus
from .services import generate_ahead, mark_missed

REMIND_BEFORE = timedelta(hours=24)


@register("meeting_occurrences")
def sweep_generate_occurrences(now: datetime) -> int:
    return generate_ahead(now)


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
            local = timezone.localtime(meeting.start, user.tzinfo)
            vendor_local = timezone.localtime(meeting.start, meeting.vendor.tzinfo)
            if remind(
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
            ):
                sent += 1
    return sent


@register("meeting_missed")
def sweep_missed_meetings(now: datetime) -> int:
    """Mark meetings missed, then tell each organiser (once per meeting)."""
    mark_missed(now)
    sent = 0
    recent = now - timedelta(days=7)  # older misses were reported when they happened
    missed = Meeting.objects.filter(status=MeetingStatus.MISSED, start__gte=recent).select_related(
        "vendor__relationship_owner", "organiser"
    )
    for meeting in missed:
        recipients = or_managers([meeting.organiser or meeting.vendor.relationship_owner])
        if remind(
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
        ):
            sent += 1
    return sent


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
    for item in items:
        if remind(
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
        ):
            sent += 1
    return sent


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
