"""Workflows of the meetings app: generating a cadence, attendance, agendas, actions.

Views, serializers and Celery tasks only translate to and from these functions. Plain
functions taking ``now`` (``mark_missed``, ``generate_ahead``) are what the reminder
sweeps call; they are idempotent, so a repeated run changes nothing.

Split by feature (``series``, ``attendance``, ``actions``, ``agenda``, ``scheduling``);
callers import from ``meetings.services``.
"""

from __future__ import annotations

from .actions import (
    action_item_create,
    action_item_save,
    action_item_update,
    carried_over_actions,
)
from .agenda import (
    SEVERITY_URGENCY,
    Suggestion,
    agenda_item_add,
    agenda_suggestion_add,
    agenda_suggestions,
)
from .attendance import (
    PARTNER_ATTENDANCE_STATUSES,
    attendance_rates,
    attendance_record,
    attendance_set,
)
from .scheduling import feed_token_create, feed_token_revoke, feed_token_set_scope, suggest_slots
from .series import (
    DEFAULT_AHEAD_DAYS,
    DEFAULT_GRACE,
    generate_ahead,
    mark_missed,
    meeting_schedule,
    meeting_update,
    series_generate_occurrences,
    series_save,
)

__all__ = [
    "DEFAULT_AHEAD_DAYS",
    "DEFAULT_GRACE",
    "PARTNER_ATTENDANCE_STATUSES",
    "SEVERITY_URGENCY",
    "Suggestion",
    "action_item_create",
    "action_item_save",
    "action_item_update",
    "agenda_item_add",
    "agenda_suggestion_add",
    "agenda_suggestions",
    "attendance_rates",
    "attendance_record",
    "attendance_set",
    "carried_over_actions",
    "feed_token_create",
    "feed_token_revoke",
    "feed_token_set_scope",
    "generate_ahead",
    "mark_missed",
    "meeting_schedule",
    "meeting_update",
    "series_generate_occurrences",
    "series_save",
    "suggest_slots",
]
