"""Dispute workflow: every write that changes a dispute or its timeline goes through here.

Pages, the API, the demo seeder and the reminder sweep all call these functions, so the
rules (who may do what, which transitions exist, how the clocks move, what the vendor
may see) are enforced in exactly one place.

Concurrency: every workflow write is a conditional ``UPDATE ... WHERE version = v``.
Two people acting on the same version of a dispute cannot both win: the second gets a
``DisputeConflict`` and nothing of theirs is written, so no change is silently lost.

The package is split by feature; import from ``disputes.services`` (the names below),
not from its modules, so the split can change without touching callers:

- ``common``: the conflict error, the writer rule, timeline events, who is told;
- ``editing``: logging a dispute, correcting its facts, recurrence;
- ``workflow``: transitions and the resolution clock;
- ``timeline``: comments, evidence, the vendor's response, the playbook;
- ``sweep``: what the reminder sweep writes.
"""

from __future__ import annotations

from .common import (
    DisputeConflict,
    _client_people_to_tell,
    _partners_to_tell,
    evidence_check,
    require_dispute_writer,
)
from .editing import (
    CREATE_FIELDS,
    EDITABLE_FIELDS,
    RECURRENCE_THRESHOLD,
    RECURRENCE_WINDOW_DAYS,
    dispute_create,
    dispute_refresh_recurrence,
    dispute_update,
)
from .sweep import dispute_escalate_level, dispute_record_reminder
from .timeline import (
    ROOT_CAUSE_REQUIRED,
    dispute_client_respond,
    dispute_comment,
    dispute_playbook_tick,
    dispute_respond,
)
from .workflow import (
    PARTNER_TRANSITIONS,
    TRANSITION_LABELS,
    TRANSITIONS,
    allowed_transitions,
    dispute_clock_pause,
    dispute_clock_pause_decide,
    dispute_clock_pause_request,
    dispute_clock_resume,
    dispute_transition,
    illegal_transition_message,
    is_vendor_raised,
    transition_label,
    transitions_for,
)

__all__ = [
    "CREATE_FIELDS",
    "EDITABLE_FIELDS",
    "PARTNER_TRANSITIONS",
    "RECURRENCE_THRESHOLD",
    "RECURRENCE_WINDOW_DAYS",
    "ROOT_CAUSE_REQUIRED",
    "TRANSITIONS",
    "TRANSITION_LABELS",
    "DisputeConflict",
    # The reminder sweep (disputes/reminders.py) tells the same people as the workflow.
    "_client_people_to_tell",
    "_partners_to_tell",
    "allowed_transitions",
    "dispute_client_respond",
    "dispute_clock_pause",
    "dispute_clock_pause_decide",
    "dispute_clock_pause_request",
    "dispute_clock_resume",
    "dispute_comment",
    "dispute_create",
    "dispute_escalate_level",
    "dispute_playbook_tick",
    "dispute_record_reminder",
    "dispute_refresh_recurrence",
    "dispute_respond",
    "dispute_transition",
    "dispute_update",
    "evidence_check",
    "illegal_transition_message",
    "is_vendor_raised",
    "require_dispute_writer",
    "transition_label",
    "transitions_for",
]
