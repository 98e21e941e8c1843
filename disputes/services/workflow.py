"""The dispute workflow (SPEC "Workflow"): legal moves, who may make them, and the
resolution clock that pauses, stops and restarts with them."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from vendorhub.access import acts_for_vendor
from vendorhub.models import User

from ..clocks import sla_days
from ..models import (
    Dispute,
    EventKind,
    Outcome,
    Status,
)
from .common import (
    DisputeConflict,
    _conditional_update,
    _event,
    _expected_version,
    _now,
    _tell,
    require_dispute_writer,
)

if TYPE_CHECKING:
    pass


#: The workflow (SPEC "Workflow"): allowed target statuses per current status.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.OPEN: (Status.AWAITING_VENDOR, Status.ESCALATED),
    Status.AWAITING_VENDOR: (Status.VENDOR_RESPONDED, Status.ESCALATED),
    Status.VENDOR_RESPONDED: (Status.UNDER_REVIEW, Status.ESCALATED),
    Status.UNDER_REVIEW: (Status.RESOLVED, Status.AWAITING_VENDOR, Status.ESCALATED),
    Status.ESCALATED: (Status.UNDER_REVIEW,),
    Status.RESOLVED: (Status.CLOSED, Status.OPEN),
    Status.CLOSED: (),
}

#: The only move a partner makes: answering what was asked of the vendor.
PARTNER_TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {(Status.AWAITING_VENDOR, Status.VENDOR_RESPONDED)}
)

PARTNER_TARGETS: frozenset[str] = frozenset(to for _current, to in PARTNER_TRANSITIONS)
CLIENT_ONLY_MOVE = (
    "Only the client's vendor managers may make this move; the vendor answers "
    "disputes that await its response."
)

TRANSITION_LABELS: dict[str, str] = {
    Status.AWAITING_VENDOR: "Ask the vendor",
    Status.VENDOR_RESPONDED: "Mark vendor responded",
    Status.UNDER_REVIEW: "Start review",
    Status.RESOLVED: "Resolve",
    Status.CLOSED: "Close",
    Status.OPEN: "Reopen",
    Status.ESCALATED: "Escalate",
}


def allowed_transitions(dispute: Dispute, user: User) -> list[str]:
    """The target statuses ``user`` may move ``dispute`` to right now (for buttons)."""
    targets = TRANSITIONS.get(dispute.status, ())
    if not acts_for_vendor(user, dispute.vendor_id):
        return []
    if user.is_manager:
        return list(targets)
    return [t for t in targets if (dispute.status, t) in PARTNER_TRANSITIONS]


# --- the workflow -----------------------------------------------------------------------
def illegal_transition_message(current: str, to: str) -> str:
    allowed = TRANSITIONS.get(current, ())
    names = ", ".join(Status(t).label.lower() for t in allowed) or "nothing (it is final)"
    return (
        f"A dispute that is {Status(current).label.lower()} cannot move to "
        f"{Status(to).label.lower()}; it can move to: {names}."
    )


@transaction.atomic
def dispute_transition(
    *,
    dispute: Dispute,
    to: str,
    by: User,
    note: str = "",
    expected_version: int | None = None,
    version_required: bool = False,
    expected_status: str | None = None,
    outcome: str = "",
    resolution_summary: str = "",
    service_credit_agreed: Decimal | None = None,
    now: datetime | None = None,
) -> Dispute:
    """Move ``dispute`` to status ``to`` on behalf of ``by``, keeping ``note`` on the timeline.

    Raises ``ValidationError`` for an unknown or illegal move, ``PermissionDenied`` when
    ``by``'s role may not make it, and ``DisputeConflict`` when the dispute changed since
    ``expected_version`` (default: the version of the instance passed in).
    """
    now = _now(now)
    if to not in Status.values:
        raise ValidationError({"to": f"“{to}” is not a dispute status."})
    require_dispute_writer(by, dispute.vendor_id)
    if expected_status is not None and expected_status != dispute.status:
        raise DisputeConflict(current_version=dispute.version)
    current = dispute.status
    if not by.is_manager and to not in PARTNER_TARGETS:
        # A move only the client makes is refused as such, whatever the dispute's state.
        raise PermissionDenied(CLIENT_ONLY_MOVE)
    if to not in TRANSITIONS.get(current, ()):
        raise ValidationError({"to": illegal_transition_message(current, to)})
    if not by.is_manager and (current, to) not in PARTNER_TRANSITIONS:
        raise PermissionDenied(CLIENT_ONLY_MOVE)
    if outcome and outcome not in Outcome.values:
        raise ValidationError({"outcome": f"“{outcome}” is not an outcome."})
    expected = _expected_version(dispute, expected_version, required=version_required)

    changes: dict[str, Any] = {"status": to}
    body = note.strip()
    if to == Status.VENDOR_RESPONDED and dispute.responded_at is None:
        changes["responded_at"] = now
    if to == Status.ESCALATED:
        changes["escalation_level"] = max(dispute.escalation_level, 1)
    if to == Status.RESOLVED:
        changes.update(_stop_resolution_clock(dispute, now))
        changes["resolved_at"] = now
        if outcome:
            changes["outcome"] = outcome
        summary = resolution_summary.strip() or body
        if summary:
            changes["resolution_summary"] = summary
        if service_credit_agreed is not None:
            if service_credit_agreed < 0:
                raise ValidationError({"service_credit_agreed": "Cannot be negative."})
            changes["service_credit_agreed"] = service_credit_agreed
    if to == Status.CLOSED:
        changes["closed_at"] = now
    if current == Status.RESOLVED and to == Status.OPEN:
        changes.update(_new_resolution_clock(dispute, now))
    dispute._history_user = by  # type: ignore[attr-defined]
    _conditional_update(dispute, expected, **changes)

    kind = EventKind.ESCALATION if to == Status.ESCALATED else EventKind.STATUS
    _event(dispute, kind=kind, by=by, body=body, from_status=current, to_status=to, now=now)
    _tell(
        dispute,
        kind="dispute_transition",
        message=f"{dispute.reference} is now {Status(to).label.lower()} ({by}).",
        by=by,
    )
    return dispute


def _stop_resolution_clock(dispute: Dispute, now: datetime) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    due = dispute.resolution_due_at
    if dispute.clock_paused_at is not None:
        paused = int((now - dispute.clock_paused_at).total_seconds())
        due = due + timedelta(seconds=paused)
        changes.update(
            clock_paused_at=None,
            resolution_due_at=due,
            resolution_paused_seconds=dispute.resolution_paused_seconds + paused,
        )
    if now > due:
        changes["resolution_breached"] = True
    return changes


def _new_resolution_clock(dispute: Dispute, now: datetime) -> dict[str, Any]:
    """Reopening starts a fresh resolution clock; the old result stays in the timeline."""
    _response_days, resolution_days = sla_days(dispute.severity)
    previous = dispute.resolution_clock(now)
    _event(
        dispute,
        kind=EventKind.CLOCK,
        by=None,
        body=f"Previous resolution clock: {previous.label.lower()}. A new clock starts.",
        now=now,
    )
    return {
        "resolution_started_at": now,
        "resolution_due_at": now + timedelta(days=resolution_days),
        "resolution_paused_seconds": 0,
        "clock_paused_at": None,
        "resolution_breached": False,
        "resolved_at": None,
        "closed_at": None,
        "reopen_count": dispute.reopen_count + 1,
    }


@transaction.atomic
def dispute_clock_pause(
    *, dispute: Dispute, by: User, note: str, expected_version: int | None = None
) -> Dispute:
    """Stop the resolution clock while the dispute waits on the client's information.

    Either side may say so (the vendor usually notices first); the note says what is
    awaited and stays on the shared timeline.
    """
    require_dispute_writer(by, dispute.vendor_id)
    if not dispute.is_open:
        raise ValidationError("Only an unresolved dispute has a running clock.")
    if dispute.clock_paused_at is not None:
        raise ValidationError("The resolution clock is already paused.")
    if not note.strip():
        raise ValidationError({"note": "Say which information from the client is awaited."})
    now = timezone.now()
    changes: dict[str, Any] = {"clock_paused_at": now}
    if now > dispute.resolution_due_at:
        changes["resolution_breached"] = True  # a breach is never undone by pausing
    expected = dispute.version if expected_version is None else expected_version
    dispute._history_user = by  # type: ignore[attr-defined]
    _conditional_update(dispute, expected, **changes)
    _event(dispute, kind=EventKind.CLOCK, by=by, body=f"Clock paused: {note.strip()}")
    _tell(
        dispute,
        kind="dispute_clock",
        message=f"{dispute.reference}: resolution clock paused, waiting on client information.",
        by=by,
    )
    return dispute


@transaction.atomic
def dispute_clock_resume(
    *, dispute: Dispute, by: User, note: str = "", expected_version: int | None = None
) -> Dispute:
    """Restart the resolution clock; the paused time is added to the due date."""
    require_dispute_writer(by, dispute.vendor_id)
    if dispute.clock_paused_at is None:
        raise ValidationError("The resolution clock is not paused.")
    now = timezone.now()
    paused = int((now - dispute.clock_paused_at).total_seconds())
    expected = dispute.version if expected_version is None else expected_version
    dispute._history_user = by  # type: ignore[attr-defined]
    _conditional_update(
        dispute,
        expected,
        clock_paused_at=None,
        resolution_due_at=dispute.resolution_due_at + timedelta(seconds=paused),
        resolution_paused_seconds=dispute.resolution_paused_seconds + paused,
    )
    _event(
        dispute,
        kind=EventKind.CLOCK,
        by=by,
        body=("Clock resumed. " + note.strip()).strip(),
    )
    return dispute
