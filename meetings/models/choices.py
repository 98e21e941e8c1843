"""The meetings app's fixed vocabularies: sides, kinds, channels, statuses."""

from __future__ import annotations

from django.db import models

# How many occurrences one rule may expand to in one call: a guard against rules such
# as FREQ=MINUTELY that would otherwise create millions of rows.
MAX_OCCURRENCES = 1000


class Side(models.TextChoices):
    CLIENT = "client", "Client"
    VENDOR = "vendor", "Vendor"


class MeetingKind(models.TextChoices):
    WEEKLY_OPS = "weekly_ops", "Weekly operations"
    MONTHLY_REVIEW = "monthly_review", "Monthly review"
    QBR = "qbr", "Quarterly business review"
    ESCALATION = "escalation", "Escalation"
    AD_HOC = "ad_hoc", "Ad hoc"


class Channel(models.TextChoices):
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone bridge"
    ON_SITE = "on_site", "On site"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"
    MISSED = "missed", "Missed"


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    ATTENDED = "attended", "Attended"
    LATE = "late", "Late"
    ABSENT = "absent", "Absent"
    EXCUSED = "excused", "Excused"


# Statuses that say what happened at the meeting (as opposed to the RSVP before it).
PRESENT_STATUSES = (AttendanceStatus.ATTENDED, AttendanceStatus.LATE)
RECORDED_STATUSES = (
    AttendanceStatus.ATTENDED,
    AttendanceStatus.LATE,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class AgendaSource(models.TextChoices):
    MANUAL = "manual", "Added by hand"
    STANDING = "standing", "Standing agenda"
    DISPUTE = "dispute", "Open dispute"
    ACTION_ITEM = "action_item", "Overdue action item"
    PLAN_MILESTONE = "plan_milestone", "Overdue action-plan milestone"
