"""Workflows of the meetings app: generating a cadence, attendance, agendas, actions.

Views, serializers and (later) Celery tasks only translate to and from these
functions. Plain functions taking ``now`` (``mark_missed``, ``generate_ahead``) are
what the reminders sweeps call; they are idempotent, so a repeated run changes nothing.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from vendorhub.access import can_manage

from .models import (
    PRESENT_STATUSES,
    RECORDED_STATUSES,
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaSource,
    Attendance,
    AttendanceStatus,
    CalendarFeedToken,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    client_is_working_time,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from vendorhub.models import User, Vendor

UTC = zoneinfo.ZoneInfo("UTC")
DEFAULT_GRACE = timedelta(hours=24)
#: How far ahead the sweep generates occurrences (setting ``MEETINGS_GENERATE_AHEAD_DAYS``).
DEFAULT_AHEAD_DAYS = 90
#: Partners answer invitations; recording what happened is the organiser's job.
PARTNER_ATTENDANCE_STATUSES = (AttendanceStatus.ACCEPTED, AttendanceStatus.DECLINED)


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
    Untouched future meetings that the (changed) rule no longer produces are cancelled,
    never deleted. The series row is locked so concurrent sweeps cannot race.
    """
    since = since or timezone.now()
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
    obsolete = series.meetings.filter(
        occurrence_key__gte=max(since, timezone.now()),
        occurrence_key__lte=until,
        status=MeetingStatus.SCHEDULED,
        is_exception=False,
    ).exclude(occurrence_key__in=wanted)
    obsolete.update(status=MeetingStatus.CANCELLED, updated_at=timezone.now())

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
        for start in starts
        if start not in existing
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


@transaction.atomic
def meeting_update(*, meeting: Meeting, changed: Iterable[str]) -> Meeting:
    """Save an edited meeting; a generated occurrence edited by hand becomes an
    exception, so regenerating the series never undoes the edit."""
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


# --- Attendance -------------------------------------------------------------------------
@transaction.atomic
def attendance_set(
    *,
    meeting: Meeting,
    by: User,
    status: str,
    user: User | None = None,
    name: str = "",
    side: str = "",
    role: str = "",
) -> Attendance:
    """Invite someone or update their attendance (upsert by user, else by name).

    Managers may set anything. Anyone else may only answer their own invitation
    (accept or decline): a partner confirming attendance is not recording history.
    """
    if not can_manage(by):
        if user is None or user.pk != by.pk:
            raise PermissionDenied("You may only answer for yourself.")
        if status not in PARTNER_ATTENDANCE_STATUSES:
            raise ValidationError({"status": "You may accept or decline; the organiser records."})
    if user is None and not name.strip():
        raise ValidationError({"user": "Give a username or a name."})
    lookup = {"user": user} if user is not None else {"user": None, "name": name.strip()}
    row = Attendance.objects.filter(meeting=meeting, **lookup).first()
    if row is None:
        row = Attendance(meeting=meeting, vendor_id=meeting.vendor_id, **lookup)
    row.status = status
    row.side = side or (user.side if user is not None else row.side)
    if role:
        row.role = role
    elif user is not None and not row.role:
        row.role = user.job_title
    row.full_clean(validate_constraints=False)
    row.save()
    return row


@transaction.atomic
def attendance_record(*, meeting: Meeting, statuses: dict[int, str], by: User) -> Meeting:
    """The quick form after a meeting: one status per invitee. Anyone present makes
    the meeting ``held``; everyone recorded absent/excused makes it ``missed``."""
    if not can_manage(by):
        raise PermissionDenied("Only the organiser's side records attendance.")
    rows = {a.pk: a for a in meeting.attendances.select_for_update()}
    for pk, status in statuses.items():
        if pk not in rows:
            raise ValidationError({"attendance": "Unknown invitee."})
        if status not in AttendanceStatus.values:
            raise ValidationError({"status": f"“{status}” is not an attendance status."})
    for pk, status in statuses.items():
        row = rows[pk]
        if row.status != status:
            row.status = status
            row.save(update_fields=["status", "updated_at"])
    if meeting.status != MeetingStatus.CANCELLED:
        current = [r.status for r in rows.values()]
        if any(s in PRESENT_STATUSES for s in current):
            meeting.status = MeetingStatus.HELD
        elif current and all(s in RECORDED_STATUSES for s in current):
            meeting.status = MeetingStatus.MISSED
        meeting.save(update_fields=["status", "updated_at"])
    return meeting


def attendance_rates(
    vendor_ids: Iterable[int], since: datetime, until: datetime
) -> dict[int, dict[str, float | None]]:
    """Share of expected attendees present, per vendor and side, in one query.

    Counted: invitees of meetings held or missed in ``[since, until)``; present means
    ``attended`` or ``late``; ``excused`` is left out of both numerator and
    denominator (an agreed absence is not a failure). ``None`` means no data, which a
    scorecard must not read as 0 %.
    """
    ids = list(vendor_ids)
    result: dict[int, dict[str, float | None]] = {
        vid: {"client": None, "vendor": None} for vid in ids
    }
    if not ids:
        return result
    rows = (
        Attendance.objects.filter(
            vendor_id__in=ids,
            meeting__start__gte=since,
            meeting__start__lt=until,
            meeting__status__in=(MeetingStatus.HELD, MeetingStatus.MISSED),
        )
        .exclude(status=AttendanceStatus.EXCUSED)
        .values("vendor_id", "side")
        .annotate(
            expected=Count("id"),
            present=Count("id", filter=Q(status__in=PRESENT_STATUSES)),
        )
        .order_by()
    )
    for row in rows:
        if row["expected"]:
            result[row["vendor_id"]][row["side"]] = row["present"] / row["expected"]
    return result


# --- Action items -----------------------------------------------------------------------
@transaction.atomic
def action_item_create(
    *,
    meeting: Meeting,
    title: str,
    side: str,
    due_date: date,
    by: User,
    owner: User | None = None,
    owner_name: str = "",
) -> ActionItem:
    """An action agreed at ``meeting``; managers assign them to either side."""
    if not can_manage(by):
        raise PermissionDenied("Only vendor managers assign action items.")
    item = ActionItem(
        vendor_id=meeting.vendor_id,
        meeting=meeting,
        title=title,
        side=side or (owner.side if owner else ""),
        due_date=due_date,
        owner=owner,
        owner_name=owner_name,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_update(
    *, item: ActionItem, by: User, status: str, notes: str | None = None
) -> ActionItem:
    """Move an action item on. Partners may update only the items they own."""
    if not can_manage(by) and not (by.is_partner and item.owner_id == by.pk):
        raise PermissionDenied("You may only update your own action items.")
    if status not in ActionStatus.values:
        raise ValidationError({"status": f"“{status}” is not an action-item status."})
    item.status = status
    if notes is not None:
        item.notes = notes
    item.completed_at = timezone.now() if status == ActionStatus.DONE else None
    item.full_clean()
    item.save()
    return item


def carried_over_actions(meeting: Meeting):
    """Open action items raised at earlier meetings of the same series: they stay on
    every next meeting's agenda until they are done (SPEC: action items carry over)."""
    if not meeting.series_id:
        return ActionItem.objects.none()
    return (
        ActionItem.objects.open()
        .filter(meeting__series_id=meeting.series_id, meeting__start__lt=meeting.start)
        .select_related("owner", "meeting")
        .order_by("due_date", "id")
    )


# --- Agenda -----------------------------------------------------------------------------
@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    by: User,
    notes: str = "",
    source: str = AgendaSource.MANUAL,
    dispute=None,
    action_item: ActionItem | None = None,
) -> AgendaItem:
    """Append a point to the agenda. Partners may add points to their vendor's
    meetings (the scope check is the caller's ``visible_to``); executives may not."""
    if by.is_executive:
        raise PermissionDenied("Your role may read agendas but not change them.")
    if meeting.status in (MeetingStatus.CANCELLED,):
        raise ValidationError({"meeting": "This meeting is cancelled."})
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        vendor_id=meeting.vendor_id,
        meeting=meeting,
        position=last + 1,
        title=title.strip(),
        notes=notes,
        source=source,
        dispute=dispute,
        action_item=action_item,
        added_by=by,
    )
    item.full_clean()
    item.save()
    return item


@dataclass(frozen=True)
class Suggestion:
    """A proposed agenda point taken from live data; ``key`` identifies it for one click."""

    key: str
    title: str
    reason: str
    urgency: int  # lower is more urgent
    url: str = ""


SEVERITY_URGENCY = {"critical": 0, "high": 1}


def agenda_suggestions(
    *, meeting: Meeting, user: User, today: date | None = None
) -> list[Suggestion]:
    """Open high/critical disputes and overdue action items of the meeting's vendor,
    most urgent first, minus what is already on the agenda. Two queries plus one for
    what is on the agenda."""
    from disputes.models import Dispute

    today = today or timezone.localdate()
    on_agenda = meeting.agenda_items.values_list("dispute_id", "action_item_id")
    linked_disputes = {d for d, _ in on_agenda if d}
    linked_actions = {a for _, a in on_agenda if a}
    suggestions = []
    disputes = (
        Dispute.objects.visible_to(user)
        .open()
        .filter(vendor_id=meeting.vendor_id, severity__in=tuple(SEVERITY_URGENCY))
        .only("id", "reference", "title", "severity", "created_at")
        .order_by("created_at")[:20]
    )
    for dispute in disputes:
        if dispute.pk in linked_disputes:
            continue
        age = (timezone.now() - dispute.created_at).days
        suggestions.append(
            Suggestion(
                key=f"dispute:{dispute.pk}",
                title=f"{dispute.reference}: {dispute.title}",
                reason=f"{dispute.get_severity_display()} dispute, open {age} days",
                urgency=SEVERITY_URGENCY[dispute.severity] * 100_000 - age,
                url=dispute.get_absolute_url(),
            )
        )
    actions = (
        ActionItem.objects.visible_to(user)
        .overdue(today)
        .filter(vendor_id=meeting.vendor_id)
        .select_related("owner")
        .order_by("due_date")[:20]
    )
    for item in actions:
        if item.pk in linked_actions:
            continue
        late = (today - item.due_date).days
        suggestions.append(
            Suggestion(
                key=f"action:{item.pk}",
                title=f"Overdue action: {item.title}",
                reason=f"{item.owner_display}, due {item.due_date:%d %b}, {late} days late",
                urgency=200_000 - late,
            )
        )
    return sorted(suggestions, key=lambda s: s.urgency)


@transaction.atomic
def agenda_suggestion_add(*, meeting: Meeting, key: str, by: User) -> AgendaItem:
    """One click: turn a suggestion (``dispute:<id>`` / ``action:<id>``) into a point.
    The referenced row is looked up inside the user's scope and the meeting's vendor,
    so a forged key can never link another vendor's data."""
    from disputes.models import Dispute

    kind, _, raw_id = key.partition(":")
    if not raw_id.isdigit():
        raise ValidationError({"key": "Unknown suggestion."})
    if kind == "dispute":
        dispute = (
            Dispute.objects.visible_to(by)
            .filter(vendor_id=meeting.vendor_id, pk=int(raw_id))
            .first()
        )
        if dispute is None:
            raise ValidationError({"key": "Unknown suggestion."})
        return agenda_item_add(
            meeting=meeting,
            title=f"{dispute.reference}: {dispute.title}",
            by=by,
            source=AgendaSource.DISPUTE,
            dispute=dispute,
        )
    if kind == "action":
        item = (
            ActionItem.objects.visible_to(by)
            .filter(vendor_id=meeting.vendor_id, pk=int(raw_id))
            .first()
        )
        if item is None:
            raise ValidationError({"key": "Unknown suggestion."})
        return agenda_item_add(
            meeting=meeting,
            title=f"Overdue action: {item.title}",
            by=by,
            source=AgendaSource.ACTION_ITEM,
            action_item=item,
        )
    raise ValidationError({"key": "Unknown suggestion."})


# --- Scheduling -------------------------------------------------------------------------
def suggest_slots(
    *,
    vendor: Vendor,
    client_tz: zoneinfo.ZoneInfo,
    week_start: date,
    duration_minutes: int,
    step_minutes: int = 30,
) -> list[datetime]:
    """Start instants (UTC) in the week from ``week_start`` where a meeting of
    ``duration_minutes`` lies wholly inside both the vendor's and the client side's
    working hours. Pure computation: no query."""
    slots = []
    duration = timedelta(minutes=duration_minutes)
    cursor = datetime.combine(week_start, time(0, 0), tzinfo=UTC)
    end = cursor + timedelta(days=7)
    step = timedelta(minutes=step_minutes)
    while cursor + duration <= end:
        last = cursor + duration - timedelta(minutes=1)
        if (
            vendor.is_working_time(cursor)
            and vendor.is_working_time(last)
            and client_is_working_time(cursor, client_tz)
            and client_is_working_time(last, client_tz)
        ):
            slots.append(cursor)
        cursor += step
    return slots


# --- Calendar feed ----------------------------------------------------------------------
@transaction.atomic
def feed_token_create(*, user: User) -> CalendarFeedToken:
    """A new private feed URL; any earlier one stops working (one live URL per user)."""
    feed_token_revoke(user=user)
    return CalendarFeedToken.objects.create(user=user)


@transaction.atomic
def feed_token_revoke(*, user: User) -> int:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
