"""What people add to a dispute's timeline: comments, evidence, the vendor's response,
and the client's playbook ticks."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from vendorhub.models import User

from ..models import (
    UNRESOLVED,
    Dispute,
    DisputeEvent,
    DisputeType,
    EventKind,
    Side,
    Status,
)
from ..playbook import playbook_items
from .common import (
    _conditional_update,
    _event,
    _expected_version,
    _now,
    _tell,
    evidence_check,
    require_dispute_writer,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile


# --- timeline ---------------------------------------------------------------------------
def _mark_vendor_response(dispute: Dispute, by: User, now: datetime) -> None:
    """The first thing the vendor says stops its response clock."""
    if by.is_partner and dispute.responded_at is None:
        Dispute.objects.filter(pk=dispute.pk, responded_at__isnull=True).update(responded_at=now)
        dispute.responded_at = now


@transaction.atomic
def dispute_comment(
    *,
    dispute: Dispute,
    by: User,
    body: str,
    internal: bool = False,
    attachment: UploadedFile | None = None,
    now: datetime | None = None,
) -> DisputeEvent:
    """Add a comment (optionally with evidence). Internal notes are for the client side.

    Comments do not bump the dispute's version: they never overwrite anything, so a
    comment must not make someone else's pending transition fail.
    """
    now = _now(now)
    require_dispute_writer(by, dispute.vendor_id)
    body = body.strip()
    if internal and by.is_partner:
        raise ValidationError({"internal": "Only the client side can write internal notes."})
    if not body and attachment is None:
        raise ValidationError({"body": "Write something (or attach a file)."})
    if dispute.status == Status.CLOSED:
        raise ValidationError("This dispute is closed; reopen it before adding to it.")
    evidence = evidence_check(upload=attachment) if attachment is not None else None
    kind = EventKind.ATTACHMENT if evidence is not None else EventKind.COMMENT
    event = _event(
        dispute, kind=kind, by=by, body=body, internal=internal, now=now, evidence=evidence
    )
    _mark_vendor_response(dispute, by, now)
    what = "evidence" if attachment is not None else "a comment"
    if internal:
        _tell(
            dispute,
            kind="dispute_internal_note",
            message=f"{dispute.reference}: {by} added an internal note.",
            by=by,
            vendor=False,
        )
    else:
        _tell(
            dispute,
            kind="dispute_comment",
            message=f"{dispute.reference}: {by} added {what}.",
            by=by,
        )
    return event


@transaction.atomic
def dispute_respond(
    *,
    dispute: Dispute,
    by: User,
    body: str,
    root_cause: str = "",
    action_plan: str = "",
    expected_version: int | None = None,
    version_required: bool = False,
    now: datetime | None = None,
) -> Dispute:
    """The answer of the side the dispute was raised against.

    A dispute the client raised is answered by the vendor: a reply, its root cause and
    corrective action plan (both required for underperformance and breach, unless an
    action plan already answers the dispute). When it awaits the vendor, answering
    also moves it to ``vendor_responded`` (one conditional update: a racing transition
    makes this fail cleanly). A dispute the vendor raised is answered by the client
    (``dispute_client_respond``); its partner never answers its own complaint.
    """
    now = _now(now)
    require_dispute_writer(by, dispute.vendor_id)
    if dispute.raised_by_side == Side.VENDOR:
        if by.is_partner:
            raise PermissionDenied(
                "You raised this dispute: the client answers it. Add a comment or evidence "
                "to the timeline instead."
            )
        return dispute_client_respond(dispute=dispute, by=by, body=body, now=now)
    body, root_cause, action_plan = body.strip(), root_cause.strip(), action_plan.strip()
    errors = {}
    if not body:
        errors["body"] = "Write your reply."
    if dispute.status not in UNRESOLVED:
        errors["__all__"] = "This dispute is no longer open for a response."
    if by.is_partner and dispute.type in ROOT_CAUSE_REQUIRED:
        has_plan = dispute.action_plans.exists()
        if not root_cause and not dispute.root_cause:
            errors["root_cause"] = "Give the root cause: required to answer this dispute."
        if not action_plan and not dispute.action_plan and not has_plan:
            errors["action_plan"] = (
                "Say what will change and by when (or propose an action plan first)."
            )
    if errors:
        raise ValidationError(errors)
    changes: dict[str, Any] = {}
    if root_cause:
        changes["root_cause"] = root_cause
    if action_plan:
        changes["action_plan"] = action_plan
    if by.is_partner and dispute.responded_at is None:
        changes["responded_at"] = now
    current = dispute.status
    moves = current == Status.AWAITING_VENDOR
    if moves:
        changes["status"] = Status.VENDOR_RESPONDED
        changes.setdefault("responded_at", dispute.responded_at or now)
    expected = _expected_version(dispute, expected_version, required=version_required)
    dispute._history_user = by  # type: ignore[attr-defined]
    _conditional_update(dispute, expected, **changes)
    parts = [body]
    if root_cause:
        parts.append(f"Root cause: {root_cause}")
    if action_plan:
        parts.append(f"Action plan: {action_plan}")
    _event(dispute, kind=EventKind.RESPONSE, by=by, body="\n\n".join(parts), now=now)
    if moves:
        _event(
            dispute,
            kind=EventKind.STATUS,
            by=by,
            from_status=current,
            to_status=Status.VENDOR_RESPONDED,
            now=now,
        )
    _tell(
        dispute,
        kind="dispute_vendor_responded",
        message=f"{dispute.reference}: the vendor responded ({by}).",
        by=by,
        vendor=False,
    )
    return dispute


#: Answering these, the vendor must give a root cause and a corrective plan.
ROOT_CAUSE_REQUIRED = (DisputeType.UNDERPERFORMANCE, DisputeType.BREACH)


@transaction.atomic
def dispute_client_respond(
    *, dispute: Dispute, by: User, body: str, now: datetime | None = None
) -> Dispute:
    """The client's answer to a dispute the vendor raised (managers), on the shared
    timeline; the vendor is told and may then acknowledge it."""
    now = _now(now)
    require_dispute_writer(by, dispute.vendor_id)
    if not by.is_manager:
        raise PermissionDenied("The client's vendor managers answer the vendor's disputes.")
    body = body.strip()
    errors = {}
    if not body:
        errors["body"] = "Write the client's answer."
    if dispute.status not in UNRESOLVED:
        errors["__all__"] = "This dispute is no longer open for a response."
    if errors:
        raise ValidationError(errors)
    if not dispute.owner_id:
        # Whoever answers the vendor's report owns it on the client side.
        Dispute.objects.filter(pk=dispute.pk, owner__isnull=True).update(owner=by)
        dispute.owner = by
    _event(dispute, kind=EventKind.RESPONSE, by=by, body=body, now=now)
    _tell(
        dispute,
        kind="dispute_client_responded",
        message=f"{dispute.reference}: the client answered your report ({by}).",
        by=by,
        client=False,
    )
    return dispute


@transaction.atomic
def dispute_playbook_tick(*, dispute: Dispute, by: User, key: str, done: bool) -> Dispute:
    """Tick (or untick) one good-practice step. Client side only: it is their checklist.

    The row is locked for the JSON read-modify-write so two people ticking different
    steps at once both keep their tick; it does not bump the workflow version.
    """
    if not by.is_manager:
        raise PermissionDenied("Only vendor managers tick the playbook.")
    keys = {item.key for item in playbook_items(dispute.type)}
    if key not in keys:
        raise ValidationError({"key": "This step is not part of this dispute's playbook."})
    locked = Dispute.objects.select_for_update().filter(pk=dispute.pk).values("playbook")[0]
    state = dict(locked["playbook"] or {})
    if done:
        state[key] = {"by": by.username, "at": timezone.now().isoformat()}
    else:
        state.pop(key, None)
    Dispute.objects.filter(pk=dispute.pk).update(playbook=state)
    dispute.playbook = state
    return dispute
