"""Dispute workflow: every write that changes a dispute or its timeline goes through here.

Pages, the API, the demo seeder and the reminder sweep all call these functions, so the
rules (who may do what, which transitions exist, how the clocks move, what the vendor
may see) are enforced in exactly one place.

Concurrency: every workflow write is a conditional ``UPDATE ... WHERE version = v``.
Two people acting on the same version of a dispute cannot both win: the second gets a
``DisputeConflict`` and nothing of theirs is written, so no change is silently lost.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from contracts.uploads import sanitize_filename, storage_name, validate_document
from vendorhub.models import Role, User
from vendorhub.notifications import notify

from .models import (
    UNRESOLVED,
    Dispute,
    DisputeEvent,
    DisputeSequence,
    DisputeType,
    EventKind,
    Outcome,
    Side,
    Status,
    sla_days,
)
from .playbook import playbook_items

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.core.files.uploadedfile import UploadedFile

    from vendorhub.models import Vendor


class DisputeConflict(Exception):
    """Someone else changed the dispute since it was loaded; reload and try again."""

    def __init__(self, dispute: Dispute | None = None) -> None:
        self.dispute = dispute
        super().__init__(
            "Someone else changed this dispute in the meantime. "
            "Reload it to see their change, then try again."
        )


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
    if user.is_manager:
        return list(targets)
    if user.is_partner and user.vendor_id == dispute.vendor_id:
        return [t for t in targets if (dispute.status, t) in PARTNER_TRANSITIONS]
    return []


# --- helpers ----------------------------------------------------------------------------
def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _side(user: User) -> str:
    return Side.VENDOR if user.is_partner else Side.CLIENT


def require_dispute_writer(user: User, dispute_vendor_id: int) -> None:
    """Managers act on every dispute; partners on their own vendor's; others read only."""
    if user.is_manager:
        return
    if user.is_partner and user.vendor_id == dispute_vendor_id:
        return
    raise PermissionDenied("Your role may read disputes but not change them.")


def _next_reference(year: int) -> str:
    """``DSP-<year>-<seq>``; the UPDATE takes the row lock, so numbers are never reused.

    The increment happens in SQL before the value is read back, inside the caller's
    transaction: concurrent creators queue on the row (PostgreSQL) or the database
    write lock (SQLite) instead of reading the same number.
    """
    for _attempt in range(3):
        if DisputeSequence.objects.filter(year=year).update(last=F("last") + 1):
            seq = DisputeSequence.objects.filter(year=year).values_list("last", flat=True)[0]
            return f"DSP-{year}-{seq:04d}"
        try:
            with transaction.atomic():
                DisputeSequence.objects.create(year=year, last=1)
            return f"DSP-{year}-0001"
        except IntegrityError:
            continue  # another creator made the row first: increment it instead
    raise DisputeConflict()


def _event(
    dispute: Dispute,
    *,
    kind: str,
    by: User | None,
    body: str = "",
    internal: bool = False,
    from_status: str = "",
    to_status: str = "",
    now: datetime | None = None,
    attachment: UploadedFile | None = None,
) -> DisputeEvent:
    event = DisputeEvent(
        dispute=dispute,
        vendor_id=dispute.vendor_id,
        kind=kind,
        author=by,
        author_side=_side(by) if by else "",
        internal=internal,
        body=body,
        from_status=from_status,
        to_status=to_status,
        created_at=_now(now),
    )
    if attachment is not None:
        # The bytes get a random name on disk; the user's name is kept for display only.
        content_type = validate_evidence(attachment)
        event.attachment_name = sanitize_filename(attachment.name)
        event.attachment_size = attachment.size
        event.attachment.save(storage_name(content_type), attachment, save=False)
    event.save()
    return event


def _partners_to_tell(dispute: Dispute) -> list[User]:
    """The vendor's assignee if there is one, otherwise everyone at the vendor."""
    if dispute.vendor_assignee_id and dispute.vendor_assignee.is_active:
        return [dispute.vendor_assignee]
    return list(User.objects.filter(role=Role.PARTNER, vendor_id=dispute.vendor_id, is_active=True))


def _client_people_to_tell(dispute: Dispute) -> list[User]:
    """The dispute's owner, else the vendor's relationship owner, else every manager."""
    if dispute.owner_id:
        return [dispute.owner]
    if dispute.vendor.relationship_owner_id:
        return [dispute.vendor.relationship_owner]
    return list(User.objects.filter(role=Role.MANAGER, is_active=True))


def _tell(
    dispute: Dispute,
    *,
    kind: str,
    message: str,
    by: User | None,
    client: bool = True,
    vendor: bool = True,
) -> None:
    """Notify the people concerned, except the actor; never with internal content."""
    recipients: list[User] = []
    if client:
        recipients += _client_people_to_tell(dispute)
    if vendor:
        recipients += _partners_to_tell(dispute)
    if by is not None:
        recipients = [u for u in recipients if u.pk != by.pk]
    url = dispute.get_absolute_url()
    transaction.on_commit(
        lambda: notify(
            recipients=recipients, kind=kind, message=message, url=url, vendor=dispute.vendor
        )
    )


def _conditional_update(dispute: Dispute, expected_version: int, **changes: Any) -> None:
    """Write ``changes`` only if nobody bumped the version since ``expected_version``."""
    changes["updated_at"] = timezone.now()
    updated = Dispute.objects.filter(pk=dispute.pk, version=expected_version).update(
        version=F("version") + 1, **changes
    )
    if not updated:
        raise DisputeConflict(dispute)
    for name, value in changes.items():
        setattr(dispute, name, value)
    dispute.version = expected_version + 1
    # We now hold the row lock; saving the same values records the audit snapshot
    # (django-simple-history only sees save(), not queryset updates).
    dispute.save(update_fields=[*changes, "version"])


# --- recurrence -------------------------------------------------------------------------
RECURRENCE_WINDOW_DAYS = 90
RECURRENCE_THRESHOLD = 3


def dispute_refresh_recurrence(*, dispute: Dispute) -> bool:
    """Mark the cluster recurring when 3+ similar disputes fall within 90 days.

    The whole cluster is flagged, not only the newest one, so that the older disputes
    of a repeating conversation stand out in the list too.
    """
    window_start = dispute.created_at - timedelta(days=RECURRENCE_WINDOW_DAYS)
    similar = Dispute.objects.similar_to(dispute, days=RECURRENCE_WINDOW_DAYS).filter(
        created_at__gte=window_start, created_at__lte=dispute.created_at + timedelta(days=90)
    )
    ids = list(similar.values_list("pk", flat=True))
    if len(ids) + 1 < RECURRENCE_THRESHOLD:
        return dispute.is_recurring
    Dispute.objects.filter(pk__in=[*ids, dispute.pk], is_recurring=False).update(is_recurring=True)
    dispute.is_recurring = True
    return True


# --- create / update --------------------------------------------------------------------
CREATE_FIELDS = (
    "contract",
    "clause",
    "kpi",
    "kpi_period_start",
    "kpi_period_end",
    "disputed_amount",
    "currency",
    "owner",
    "vendor_assignee",
)


def _check_links(dispute: Dispute) -> None:
    """Linked contract, clause and people must belong to the dispute's vendor."""
    errors: dict[str, str] = {}
    contract = dispute.contract if dispute.contract_id else None
    clause = dispute.clause if dispute.clause_id else None
    if contract is not None and contract.vendor_id != dispute.vendor_id:
        errors["contract"] = "This contract belongs to another vendor."
    if clause is not None:
        if clause.vendor_id != dispute.vendor_id:
            errors["clause"] = "This clause belongs to another vendor."
        elif contract is not None and clause.contract_id != contract.pk:
            errors["clause"] = "This clause is not part of the chosen contract."
        elif contract is None:
            dispute.contract_id = clause.contract_id
    if dispute.type == DisputeType.BREACH and clause is None and _vendor_has_clauses(dispute):
        errors["clause"] = "A breach must name the clause that was violated."
    if dispute.vendor_assignee_id and (
        not dispute.vendor_assignee.is_partner
        or dispute.vendor_assignee.vendor_id != dispute.vendor_id
    ):
        errors["vendor_assignee"] = "The assignee must be a portal user of this vendor."
    if dispute.owner_id and not dispute.owner.is_manager:
        errors["owner"] = "The owner must be a vendor manager."
    if errors:
        raise ValidationError(errors)


def _vendor_has_clauses(dispute: Dispute) -> bool:
    """A breach names its clause, unless the vendor has no contract clauses recorded yet
    (the contract may still be on paper; the dispute must not be blocked by that)."""
    from contracts.models import Clause

    return Clause.objects.filter(vendor_id=dispute.vendor_id).exists()


@transaction.atomic
def dispute_create(
    *,
    by: User,
    vendor: Vendor,
    type: str,
    title: str,
    description: str,
    severity: str = "medium",
    now: datetime | None = None,
    **details: Any,
) -> Dispute:
    """Log a dispute. Managers raise on any vendor; partners only on their own vendor.

    A partner-raised dispute starts ``open`` with side ``vendor`` for the client to
    triage; the vendor's own report needs no vendor response, so its response clock
    does not apply.
    """
    now = _now(now)
    if not (by.is_manager or (by.is_partner and by.vendor_id == vendor.pk)):
        raise PermissionDenied("Your role may read disputes but not raise them.")
    unknown = set(details) - set(CREATE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown dispute fields: {', '.join(sorted(unknown))}")
    dispute = Dispute(
        vendor=vendor,
        type=type,
        severity=severity,
        title=title,
        description=description,
        raised_by=by,
        raised_by_side=_side(by),
        created_at=now,
        **{k: v for k, v in details.items() if v is not None},
    )
    if by.is_partner:
        dispute.owner = None  # the client side picks its owner when triaging
    if not dispute.owner_id and by.is_manager:
        dispute.owner = by
    dispute.reference = "DSP-pending"
    _set_initial_clocks(dispute, now)
    dispute.full_clean(exclude=["reference"])
    _check_links(dispute)
    dispute.reference = _next_reference(now.year)
    dispute._history_user = by  # type: ignore[attr-defined]
    dispute.save()
    _event(dispute, kind=EventKind.CREATED, by=by, body=description, now=now)
    dispute_refresh_recurrence(dispute=dispute)
    _tell(
        dispute,
        kind="dispute_raised",
        message=f"{dispute.reference} raised by the {dispute.raised_by_side} side: {title}",
        by=by,
    )
    return dispute


def _set_initial_clocks(dispute: Dispute, now: datetime) -> None:
    response_days, resolution_days = sla_days(dispute.severity)
    dispute.response_due_at = now + timedelta(days=response_days)
    dispute.resolution_started_at = now
    dispute.resolution_due_at = now + timedelta(days=resolution_days)
    if dispute.raised_by_side == Side.VENDOR:
        dispute.responded_at = now


EDITABLE_FIELDS = (
    "type",
    "severity",
    "title",
    "description",
    "owner",
    "vendor_assignee",
    "disputed_amount",
    "currency",
    "kpi_period_start",
    "kpi_period_end",
    "contract",
    "clause",
    "kpi",
    "service_credit_agreed",
    "outcome",
    "resolution_summary",
)


@transaction.atomic
def dispute_update(
    *,
    dispute: Dispute,
    by: User,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> Dispute:
    """Managers correct the facts; a new severity re-derives both due dates."""
    if not by.is_manager:
        raise PermissionDenied("Only vendor managers may edit a dispute.")
    expected = dispute.version if expected_version is None else expected_version
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    old_assignee = dispute.vendor_assignee_id
    old_severity = dispute.severity
    for name, value in changes.items():
        setattr(dispute, name, value)
    dispute.full_clean(exclude=["reference"], validate_unique=False)
    _check_links(dispute)
    values: dict[str, Any] = {}
    for name in changes:
        field = Dispute._meta.get_field(name)
        values[field.attname] = getattr(dispute, field.attname)
    if "clause" in changes:
        values["contract_id"] = dispute.contract_id
    if dispute.severity != old_severity:
        response_days, resolution_days = sla_days(dispute.severity)
        values["response_due_at"] = dispute.created_at + timedelta(days=response_days)
        values["resolution_due_at"] = dispute.resolution_started_at + timedelta(
            days=resolution_days, seconds=dispute.resolution_paused_seconds
        )
    dispute._history_user = by  # type: ignore[attr-defined]
    _conditional_update(dispute, expected, **values)
    changed = ", ".join(str(Dispute._meta.get_field(n).verbose_name) for n in changes)
    _event(dispute, kind=EventKind.UPDATE, by=by, body=f"Changed: {changed}.", internal=False)
    if dispute.vendor_assignee_id and dispute.vendor_assignee_id != old_assignee:
        _event(
            dispute,
            kind=EventKind.ASSIGNMENT,
            by=by,
            body=f"Assigned to {dispute.vendor_assignee} at the vendor.",
        )
        transaction.on_commit(
            lambda: notify(
                recipients=[dispute.vendor_assignee],
                kind="dispute_assigned",
                message=f"{dispute.reference} was assigned to you: {dispute.title}",
                url=dispute.get_absolute_url(),
                vendor=dispute.vendor,
            )
        )
    return dispute


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
    expected = dispute.version if expected_version is None else expected_version
    if expected_status is not None and expected_status != dispute.status:
        raise DisputeConflict(dispute)
    current = dispute.status
    if to not in TRANSITIONS.get(current, ()):
        raise ValidationError({"to": illegal_transition_message(current, to)})
    if not by.is_manager and (current, to) not in PARTNER_TRANSITIONS:
        raise PermissionDenied(
            "Only the client's vendor managers may make this move; the vendor answers "
            "disputes that await its response."
        )
    if outcome and outcome not in Outcome.values:
        raise ValidationError({"outcome": f"“{outcome}” is not an outcome."})

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
    if attachment is not None:
        validate_evidence(attachment)  # before anything is written
    kind = EventKind.ATTACHMENT if attachment is not None else EventKind.COMMENT
    event = _event(
        dispute, kind=kind, by=by, body=body, internal=internal, now=now, attachment=attachment
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


def validate_evidence(upload: UploadedFile) -> str:
    """Same upload rules as contract documents (PDF/DOCX by content, size-checked):
    one rule for both apps, from ``contracts.uploads``. Returns the real content type."""
    try:
        return validate_document(upload)
    except ValidationError as exc:
        raise ValidationError({"attachment": exc.messages}) from exc


@transaction.atomic
def dispute_respond(
    *,
    dispute: Dispute,
    by: User,
    body: str,
    root_cause: str = "",
    action_plan: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Dispute:
    """The vendor's answer: a reply, its root cause and corrective action plan.

    When the dispute awaits the vendor, answering also moves it to ``vendor_responded``
    (one conditional update: a racing transition makes this fail cleanly).
    """
    now = _now(now)
    require_dispute_writer(by, dispute.vendor_id)
    body, root_cause, action_plan = body.strip(), root_cause.strip(), action_plan.strip()
    errors = {}
    if not body:
        errors["body"] = "Write your reply."
    if dispute.status not in UNRESOLVED:
        errors["__all__"] = "This dispute is no longer open for a response."
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
    expected = dispute.version if expected_version is None else expected_version
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


# --- for the reminder sweep (issue "reminders") ----------------------------------------
@transaction.atomic
def dispute_record_reminder(
    *, dispute: Dispute, stage: str, now: datetime, recipients: Iterable[User] = ()
) -> DisputeEvent:
    """Put 'reminder sent' on the shared timeline (who was told is the sweep's business)."""
    names = ", ".join(str(u) for u in recipients)
    body = f"Reminder ({stage}) sent" + (f" to {names}." if names else ".")
    return _event(dispute, kind=EventKind.REMINDER, by=None, body=body, now=now)


@transaction.atomic
def dispute_escalate_level(*, dispute: Dispute, level: int, now: datetime, reason: str) -> bool:
    """Raise the escalation ladder to ``level`` (never lowers it). True if it changed.

    Conditional on the level, not the version: the sweep must not fail because a person
    just edited the dispute, and two sweeps racing only escalate once.
    """
    updated = Dispute.objects.filter(
        pk=dispute.pk, escalation_level__lt=level, status__in=UNRESOLVED
    ).update(escalation_level=level)
    if not updated:
        return False
    dispute.escalation_level = level
    _event(
        dispute,
        kind=EventKind.ESCALATION,
        by=None,
        body=f"Escalated to level {level}: {reason}",
        now=now,
    )
    return True


# --- figures for scorecards -------------------------------------------------------------
@dataclass
class _Figures:
    opened: int = 0
    resolved: int = 0
    durations: list[float] | None = None


def relationship_figures(
    vendor_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, dict[str, Any]]:
    """Per vendor: disputes opened and resolved in [start, end) and the median days to
    resolve those resolved in the period. Two queries whatever the number of vendors.

    Every vendor id asked for is in the answer (zeros and ``None`` when nothing happened),
    so a scorecard can tell "no disputes" from "not computed".
    """
    ids = list(vendor_ids)
    result: dict[int, dict[str, Any]] = {
        vid: {"opened": 0, "resolved": 0, "median_days_to_resolve": None} for vid in ids
    }
    if not ids:
        return result
    opened = (
        Dispute.objects.filter(vendor_id__in=ids, created_at__gte=start, created_at__lt=end)
        .values_list("vendor_id")
        .order_by()
    )
    from django.db.models import Count

    for vid, n in opened.annotate(n=Count("id")).values_list("vendor_id", "n"):
        result[vid]["opened"] = n
    durations: dict[int, list[float]] = defaultdict(list)
    for vid, created, resolved in Dispute.objects.filter(
        vendor_id__in=ids, resolved_at__gte=start, resolved_at__lt=end
    ).values_list("vendor_id", "created_at", "resolved_at"):
        durations[vid].append((resolved - created).total_seconds() / 86400)
    for vid, values in durations.items():
        result[vid]["resolved"] = len(values)
        result[vid]["median_days_to_resolve"] = round(statistics.median(values), 1)
    return result
