"""A series' cadence: generating its meetings ahead (idempotently), editing one
occurrence, and marking meetings nobody recorded as missed."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from vendorhub.access import require_manager
from vendorhub.concurrency import Conflict

from ..models import (
    RECORDED_STATUSES,
    AgendaItem,
    AgendaSource,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingSeries,
    MeetingStatus,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from vendorhub.models import User


UTC = zoneinfo.ZoneInfo("UTC")
DEFAULT_GRACE = timedelta(hours=24)
#: How far ahead the sweep generates occurrences (setting ``MEETINGS_GENERATE_AHEAD_DAYS``).
DEFAULT_AHEAD_DAYS = 90


# --- Series and occurrences -----------------------------------------------------------
@transaction.atomic
def series_generate_occurrences(
    *, series: MeetingSeries, until: datetime, since: datetime | None = None
) -> int:
    """Create the meetings the rule asks for between ``since`` (default: now) and
    ``until``; return how many were created.

    Idempotent: each occurrence is keyed by the start the rule produced
    (``occurrence_key``, unique per series), so running twice creates nothing new, and
    a meeting moved or edited by hand keeps its edits (only missing keys are created).

    When the rule (or start time) changed, untouched future meetings the rule no longer
    produces are *moved* to the starts it now wants, in order: same row, same invitees
    and agenda, ``sequence`` bumped so calendars move the event instead of showing a
    cancelled one beside a new one. Only the surplus (a rule that now meets less often)
    is cancelled, never deleted. Untouched future meetings also take the series' new
    title, duration and channel. The series row is locked so concurrent sweeps cannot
    race.
    """
    now = timezone.now()
    since = since or now
    series = MeetingSeries.objects.select_for_update().select_related("vendor").get(pk=series.pk)
    if not series.is_active:
        return 0
    starts = series.occurrences(since=since, until=until)
    wanted = set(starts)
    existing = dict(
        series.meetings.filter(occurrence_key__gte=since, occurrence_key__lte=until).values_list(
            "occurrence_key", "id"
        )
    )
    untouched = series.meetings.filter(
        occurrence_key__gte=max(since, now),
        occurrence_key__lte=until,
        status=MeetingStatus.SCHEDULED,
        is_exception=False,
    )
    obsolete = list(untouched.exclude(occurrence_key__in=wanted).order_by("occurrence_key"))
    missing = [start for start in starts if start not in existing]
    movable = [start for start in missing if start >= max(since, now)]
    moved_to = set()
    for meeting, start in zip(obsolete, movable, strict=False):
        meeting.start = meeting.occurrence_key = start
        meeting.save()  # bumps ``sequence``: the calendar event moves
        moved_to.add(start)
    # A reply was to the old time: the invitees are asked again.
    Attendance.objects.filter(
        meeting__in=[meeting.pk for meeting in obsolete if meeting.start in moved_to],
        status__in=[AttendanceStatus.ACCEPTED, AttendanceStatus.DECLINED],
    ).update(status=AttendanceStatus.INVITED)
    surplus = [meeting.pk for meeting in obsolete[len(moved_to) :]]
    series.meetings.filter(pk__in=surplus).update(
        status=MeetingStatus.CANCELLED, updated_at=now, sequence=F("sequence") + 1
    )
    untouched.exclude(
        title=series.title,
        duration_minutes=series.duration_minutes,
        channel=series.channel,
        channel_details=series.channel_details,
    ).update(
        title=series.title,
        duration_minutes=series.duration_minutes,
        channel=series.channel,
        channel_details=series.channel_details,
        updated_at=now,
        sequence=F("sequence") + 1,
    )
    missing = [start for start in missing if start not in moved_to]

    new = [
        Meeting(
            vendor=series.vendor,
            series=series,
            occurrence_key=start,
            title=series.title,
            start=start,
            duration_minutes=series.duration_minutes,
            channel=series.channel,
            channel_details=series.channel_details,
            organiser=series.owner,
        )
        for start in missing
    ]
    if not new:
        return 0
    created = bulk_create_with_history(new, Meeting, batch_size=500)
    if any(m.pk is None for m in created):  # backends without RETURNING: reload by key
        keys = [m.occurrence_key for m in new]
        created = list(series.meetings.filter(occurrence_key__in=keys))

    invitees = list(series.default_invitees.filter(is_active=True))
    attendances = [
        Attendance(
            vendor=series.vendor,
            meeting=meeting,
            user=person,
            side=person.side,
            role=person.job_title,
        )
        for meeting in created
        for person in invitees
        if not person.is_partner or person.vendor_id == series.vendor_id
    ]
    agenda = [
        AgendaItem(
            vendor=series.vendor,
            meeting=meeting,
            position=index,
            title=line,
            source=AgendaSource.STANDING,
        )
        for meeting in created
        for index, line in enumerate(series.standing_agenda_lines(), start=1)
    ]
    Attendance.objects.bulk_create(attendances, batch_size=1000)
    AgendaItem.objects.bulk_create(agenda, batch_size=1000)
    return len(created)


def generate_ahead(now: datetime, *, days: int | None = None) -> int:
    """For the reminders sweep: generate every active series ``days`` ahead of ``now``.

    ``days`` defaults to setting ``MEETINGS_GENERATE_AHEAD_DAYS`` (90).
    """
    days = days or getattr(settings, "MEETINGS_GENERATE_AHEAD_DAYS", DEFAULT_AHEAD_DAYS)
    total = 0
    for series in MeetingSeries.objects.active().iterator():
        total += series_generate_occurrences(
            series=series, since=now, until=now + timedelta(days=days)
        )
    return total


def _ahead(now: datetime) -> datetime:
    days = getattr(settings, "MEETINGS_GENERATE_AHEAD_DAYS", DEFAULT_AHEAD_DAYS)
    return now + timedelta(days=days)


@transaction.atomic
def series_save(
    *, series: MeetingSeries, by: User, invitees: Iterable[User] | None = None
) -> tuple[MeetingSeries, int]:
    """Create or change a series (managers only), then generate its meetings ahead.

    Validated as a whole first (the rule, the time zone, each standing agenda line), so a
    series that saves is one every later sweep can expand. Returns the series and how
    many meetings were created; meetings moved or edited by hand are kept.
    """
    require_manager(by)
    if series.pk is None and series.owner_id is None:
        series.owner = by
    series.full_clean()
    series._history_user = by  # type: ignore[attr-defined]
    series.save()
    if invitees is not None:
        series.default_invitees.set(invitees)
    now = timezone.now()
    created = series_generate_occurrences(series=series, since=now, until=_ahead(now))
    return series, created


@transaction.atomic
def meeting_schedule(*, meeting: Meeting, by: User) -> Meeting:
    """Schedule a one-off meeting (managers only); ``by`` organises it unless named."""
    require_manager(by)
    if meeting.organiser_id is None:
        meeting.organiser = by
    meeting.full_clean()
    meeting._history_user = by  # type: ignore[attr-defined]
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    changed: Iterable[str],
    by: User | None = None,
    based_on_sequence: int | None = None,
) -> Meeting:
    """Save an edited meeting; a generated occurrence edited by hand becomes an
    exception, so regenerating the series never undoes the edit. With ``by``, only a
    manager may (the sweeps and tests edit without a person).

    ``based_on_sequence`` is the calendar ``sequence`` the editor read (the edit form
    carries it): every change to time, title, status or channel bumps it, so a lower
    one means someone else changed the meeting meanwhile and the edit is refused
    (``Conflict``, 409) rather than overwriting theirs. The row is locked first."""
    if based_on_sequence is not None and meeting.pk is not None:
        current = (
            Meeting.objects.select_for_update()
            .filter(pk=meeting.pk)
            .values_list("sequence", flat=True)
            .first()
        )
        if current is not None and current != based_on_sequence:
            raise Conflict("Someone else changed this meeting after you opened it.")
    if by is not None:
        require_manager(by)
        meeting._history_user = by  # type: ignore[attr-defined]
    if meeting.series_id and set(changed) & {"start", "duration_minutes", "title", "status"}:
        meeting.is_exception = True
    meeting.full_clean()
    meeting.save()
    return meeting


# --- Missed meetings --------------------------------------------------------------------
def mark_missed(now: datetime, grace: timedelta = DEFAULT_GRACE) -> int:
    """Mark ``missed`` every scheduled meeting whose end is more than ``grace`` ago and
    that has no attendance recorded. Idempotent (only ``scheduled`` rows change).

    The end depends on each row's duration, so the SQL filter is on the start (a
    superset) and the exact end is checked for the few rows near the boundary.
    """
    cutoff = now - grace
    recorded = Attendance.objects.filter(meeting=OuterRef("pk"), status__in=RECORDED_STATUSES)
    candidates = Meeting.objects.filter(status=MeetingStatus.SCHEDULED, start__lt=cutoff).exclude(
        Exists(recorded)
    )
    # Rows that surely ended before the cutoff (max duration 600 min) need no check.
    sure = candidates.filter(start__lt=cutoff - timedelta(minutes=600))
    border = [
        m.pk
        for m in candidates.filter(start__gte=cutoff - timedelta(minutes=600)).only(
            "pk", "start", "duration_minutes"
        )
        if m.end <= cutoff
    ]
    with transaction.atomic():
        count = sure.update(status=MeetingStatus.MISSED, updated_at=now)
        count += Meeting.objects.filter(pk__in=border, status=MeetingStatus.SCHEDULED).update(
            status=MeetingStatus.MISSED, updated_at=now
        )
    return count
