"""Who was invited and who came: answers, the organiser's record, attendance rates."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q

from vendorhub.access import can_manage

from ..models import (
    PRESENT_STATUSES,
    RECORDED_STATUSES,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from vendorhub.models import User


#: Partners answer invitations; recording what happened is the organiser's job.
PARTNER_ATTENDANCE_STATUSES = (AttendanceStatus.ACCEPTED, AttendanceStatus.DECLINED)


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
    invited = row is None
    if invited:
        row = Attendance(meeting=meeting, vendor_id=meeting.vendor_id, **lookup)
    row.status = status
    row.side = side or (user.side if user is not None else row.side)
    if role:
        row.role = role
    elif user is not None and not row.role:
        row.role = user.job_title
    row.full_clean(validate_constraints=False)
    row.save()
    if invited:
        meeting.bump_sequence()  # a new ATTENDEE: calendars must update the invitation
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
