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
    Side,
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


#: A dispute the vendor raised asks the client to answer: the client takes it up
#: (``open`` → ``under_review``, its owner assigned then), answers and resolves it, and
#: the vendor acknowledges the answer (``resolved`` → ``closed``).
VENDOR_RAISED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    **TRANSITIONS,
    Status.OPEN: (Status.UNDER_REVIEW, Status.AWAITING_VENDOR, Status.ESCALATED),
}
VENDOR_ACKNOWLEDGES = (Status.RESOLVED, Status.CLOSED)


def is_vendor_raised(dispute: Dispute) -> bool:
    return dispute.raised_by_side == Side.VENDOR


def transitions_for(dispute: Dispute) -> dict[str, tuple[str, ...]]:
    return VENDOR_RAISED_TRANSITIONS if is_vendor_raised(dispute) else TRANSITIONS


def partner_moves_for(dispute: Dispute) -> frozenset[tuple[str, str]]:
    """What the vendor's partner may do: answer what was asked of it and, on its own
    dispute, acknowledge the client's answer."""
    if is_vendor_raised(dispute):
        return PARTNER_TRANSITIONS | {VENDOR_ACKNOWLEDGES}
    return PARTNER_TRANSITIONS


def allowed_transitions(dispute: Dispute, user: User) -> list[str]:
    """The target statuses ``user`` may move ``dispute`` to right now (for buttons).

    A partner gets no "vendor responded" button: sending its response does that move
    (the response form is the vendor's main action, not a status button)."""
    targets = transitions_for(dispute).get(dispute.status, ())
    if not acts_for_vendor(user, dispute.vendor_id):
        return []
    if user.is_manager:
        return list(targets)
    moves = partner_moves_for(dispute) - PARTNER_TRANSITIONS
    return [t for t in targets if (dispute.status, t) in moves]


#: Wording for a dispute the vendor raised, per side (the client answers it).
VENDOR_RAISED_LABELS: dict[str, str] = {
    Status.UNDER_REVIEW: "Take it up: the client reviews",
    Status.AWAITING_VENDOR: "Ask the vendor for more information",
    Status.RESOLVED: "Resolve with the client's answer",
    Status.CLOSED: "Close",
    Status.OPEN: "Reopen",
    Status.ESCALATED: "Escalate",
}


def transition_label(dispute: Dispute, user: User, to: str) -> str:
    if is_vendor_raised(dispute):
        if user.is_partner and (dispute.status, to) == VENDOR_ACKNOWLEDGES:
            return "Acknowledge the client's answer and close"
        return VENDOR_RAISED_LABELS.get(to, TRANSITION_LABELS[to])
    return TRANSITION_LABELS[to]


# --- the workflow -----------------------------------------------------------------------
def illegal_transition_message(
    current: str, to: str, transitions: dict[str, tuple[str, ...]] | None = None
) -> str:
    allowed = (transitions or TRANSITIONS).get(current, ())
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
    transitions = transitions_for(dispute)
    partner_moves = partner_moves_for(dispute)
    if not by.is_manager and to not in {target for _current, target in partner_moves}:
        # A move only the client makes is refused as such, whatever the dispute's state.
        raise PermissionDenied(CLIENT_ONLY_MOVE)
    if to not in transitions.get(current, ()):
        raise ValidationError({"to": illegal_transition_message(current, to, transitions)})
    if not by.is_manager and (current, to) not in partner_moves:
        raise PermissionDenied(CLIENT_ONLY_MOVE)
    if outcome and outcome not in Outcome.values:
        raise ValidationError({"outcome": f"“{outcome}” is not an outcome."})
    expected = _expected_version(dispute, expected_version, required=version_required)

    changes: dict[str, Any] = {"status": to}
    body = note.strip()
    if is_vendor_raised(dispute) and current == Status.OPEN and not dispute.owner_id:
        # Triage of the vendor's report: whoever takes it up owns the client's answer.
        changes["owner"] = by
        body = (f"Client owner: {by}. " + body).strip()
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


PAUSE_IS_THE_CLIENTS_CALL = (
    "Pausing the resolution clock is the client's decision: request a pause, and a vendor "
    "manager grants or refuses it."
)


def _require_clock_keeper(by: User, dispute: Dispute) -> None:
    """Only managers pause and resume the clock; a partner may only ask (403 else)."""
    require_dispute_writer(by, dispute.vendor_id)
    if not by.is_manager:
        raise PermissionDenied(PAUSE_IS_THE_CLIENTS_CALL)


def _pause_changes(dispute: Dispute, now: datetime) -> dict[str, Any]:
    changes: dict[str, Any] = {
        "clock_paused_at": now,
        "pause_requested_at": None,
        "pause_requested_by": None,
        "pause_request_note": "",
    }
    if now > dispute.resolution_due_at:
        changes["resolution_breached"] = True  # a breach is never undone by pausing
    return changes


@transaction.atomic
def dispute_clock_pause(
    *, dispute: Dispute, by: User, note: str, expected_version: int | None = None
) -> Dispute:
    """A manager stops the resolution clock while the dispute waits on information the
    client itself has to provide; the note says what, on the shared timeline. A partner
    cannot pause the client's clock (``dispute_clock_pause_request``)."""
    _require_clock_keeper(by, dispute)
    if not dispute.is_open:
        raise ValidationError("Only an unresolved dispute has a running clock.")
    if dispute.clock_paused_at is not None:
        raise ValidationError("The resolution clock is already paused.")
    if not note.strip():
        raise ValidationError({"note": "Say which information from the client is awaited."})
    now = timezone.now()
    expected = dispute.version if expected_version is None else expected_version
    dispute._history_user = by  # type: ignore[attr-defined]
    _conditional_update(dispute, expected, **_pause_changes(dispute, now))
    _event(dispute, kind=EventKind.CLOCK, by=by, body=f"Clock paused: {note.strip()}")
    _tell(
        dispute,
        kind="dispute_clock",
        message=f"{dispute.reference}: resolution clock paused, waiting on client information.",
        by=by,
    )
    return dispute


@transaction.atomic
def dispute_clock_pause_request(
    *, dispute: Dispute, by: User, note: str, expected_version: int | None = None
) -> Dispute:
    """The vendor asks the client to pause the resolution clock (say what is awaited
    from the client). Nothing stops until a manager grants it; both are on the timeline."""
    require_dispute_writer(by, dispute.vendor_id)
    if not by.is_partner:
        raise ValidationError("Managers pause the clock themselves.")
    if not dispute.is_open:
        raise ValidationError("Only an unresolved dispute has a running clock.")
    if dispute.clock_paused_at is not None:
        raise ValidationError("The resolution clock is already paused.")
    if dispute.pause_requested_at is not None:
        raise ValidationError("A pause was requested already; the client has not decided yet.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say which information from the client is awaited."})
    now = timezone.now()
    expected = dispute.version if expected_version is None else expected_version
    dispute._history_user = by  # type: ignore[attr-defined]
    _conditional_update(
        dispute,
        expected,
        pause_requested_at=now,
        pause_requested_by=by,
        pause_request_note=note,
    )
    _event(dispute, kind=EventKind.CLOCK, by=by, body=f"Pause requested: {note}", now=now)
    _tell(
        dispute,
        kind="dispute_clock",
        message=f"{dispute.reference}: {by} asks to pause the resolution clock ({note}).",
        by=by,
        vendor=False,
    )
    return dispute


@transaction.atomic
def dispute_clock_pause_decide(
    *,
    dispute: Dispute,
    by: User,
    grant: bool,
    note: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """A manager grants (the clock stops now) or refuses the vendor's pause request."""
    _require_clock_keeper(by, dispute)
    if dispute.pause_requested_at is None:
        raise ValidationError("No pause is awaiting a decision.")
    if grant and not dispute.is_open:
        raise ValidationError("Only an unresolved dispute has a running clock.")
    now = timezone.now()
    requested = dispute.pause_request_note
    expected = dispute.version if expected_version is None else expected_version
    dispute._history_user = by  # type: ignore[attr-defined]
    note = note.strip()
    if grant:
        changes = _pause_changes(dispute, now)
        body = f"Pause granted: {requested}" + (f" ({note})" if note else "")
    else:
        changes = {"pause_requested_at": None, "pause_requested_by": None, "pause_request_note": ""}
        body = "Pause refused" + (f": {note}" if note else "") + f". Requested: {requested}"
    _conditional_update(dispute, expected, **changes)
    _event(dispute, kind=EventKind.CLOCK, by=by, body=body, now=now)
    verdict = "granted: the resolution clock is paused" if grant else "refused"
    _tell(
        dispute,
        kind="dispute_clock",
        message=f"{dispute.reference}: the pause you asked for was {verdict}.",
        by=by,
        client=False,
    )
    return dispute


@transaction.atomic
def dispute_clock_resume(
    *, dispute: Dispute, by: User, note: str = "", expected_version: int | None = None
) -> Dispute:
    """Restart the resolution clock (a manager); the paused time is added to the due
    date."""
    _require_clock_keeper(by, dispute)
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
