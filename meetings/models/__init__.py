"""The meeting cadence: series (the rule), meetings (occurrences), attendance, agendas
and action items, plus the private calendar-feed tokens.

Missed meetings and too little contact are how vendor relationships die (SPEC §1), so
the models make both visible: every meeting has an attendance record per invitee and
side, and open action items follow the series from meeting to meeting until done.

Split by feature; import from ``meetings.models`` (migrations name
``meetings.models.validate_rrule`` and ``meetings.models.new_feed_key``).
"""

from __future__ import annotations

from .actions import ActionItem, ActionItemQuerySet, AgendaItem
from .attendance import Attendance, AttendanceQuerySet
from .choices import (
    MAX_OCCURRENCES,
    OPEN_ACTION_STATUSES,
    PRESENT_STATUSES,
    RECORDED_STATUSES,
    ActionStatus,
    AgendaSource,
    AttendanceStatus,
    Channel,
    MeetingKind,
    MeetingStatus,
    Side,
)
from .feeds import CalendarFeedToken, CalendarFeedTokenQuerySet, FeedScope, new_feed_key
from .meeting import Meeting, MeetingQuerySet, client_is_working_time, client_working_window
from .series import (
    MeetingSeries,
    MeetingSeriesQuerySet,
    OccurrencePreview,
    normalise_rrule,
    validate_rrule,
)

__all__ = [
    "MAX_OCCURRENCES",
    "OPEN_ACTION_STATUSES",
    "PRESENT_STATUSES",
    "RECORDED_STATUSES",
    "ActionItem",
    "ActionItemQuerySet",
    "ActionStatus",
    "AgendaItem",
    "AgendaSource",
    "Attendance",
    "AttendanceQuerySet",
    "AttendanceStatus",
    "CalendarFeedToken",
    "CalendarFeedTokenQuerySet",
    "Channel",
    "FeedScope",
    "Meeting",
    "MeetingKind",
    "MeetingQuerySet",
    "MeetingSeries",
    "MeetingSeriesQuerySet",
    "MeetingStatus",
    "OccurrencePreview",
    "Side",
    "client_is_working_time",
    "client_working_window",
    "new_feed_key",
    "normalise_rrule",
    "validate_rrule",
]
