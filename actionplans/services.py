"""Every write to an action plan goes through here: pages, the API, the demo and the
sweep call the same functions, so who-may-do-what is decided in one place.

Who may do what (SPEC section 6):
- a partner proposes plans for its own vendor, edits them while they are proposed,
  starts agreed work and ticks the vendor's milestones;
- only managers agree, verify, fail or cancel a plan, and tick client milestones;
- executives read; a partner of another vendor never sees the plan (404, by scoping).

Concurrency: a write that changes the plan names the version it read; the write is a
conditional ``UPDATE`` (``vendorhub.concurrency``), so of two people acting on the same
version one wins and the other gets a ``PlanConflict`` (409).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from vendorhub.access import acts_for_vendor, can_manage, speaks_for_vendor
from vendorhub.concurrency import Conflict, PreconditionRequired, versioned_update
from vendorhub.models import Role, User
from vendorhub.notifications import notify
from vendorhub.uploads import EVIDENCE_TYPES, upload_check

from .models import (
    OPEN_STATUSES,
    ActionPlan,
    EventKind,
    Milestone,
    PlanEvent,
    PlanStatus,
    Side,
    Source,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from contracts.models import Clause
    from disputes.models import Dispute
    from meetings.models import ActionItem
    from scorecards.models import KPI
    from vendorhub.models import Vendor
    from vendorhub.uploads import CheckedUpload


class PlanConflict(Conflict):
    default_message = (
        "Someone else changed this action plan in the meantime. "
        "Reload it to see their change, then try again."
    )


#: Allowed target statuses per current status.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PlanStatus.PROPOSED: (PlanStatus.AGREED, PlanStatus.CANCELLED),
    PlanStatus.AGREED: (
        PlanStatus.IN_PROGRESS,
        PlanStatus.VERIFIED,
        PlanStatus.FAILED,
        PlanStatus.CANCELLED,
    ),
    PlanStatus.IN_PROGRESS: (PlanStatus.VERIFIED, PlanStatus.FAILED, PlanStatus.CANCELLED),
    PlanStatus.VERIFIED: (),
    PlanStatus.FAILED: (),
    PlanStatus.CANCELLED: (),
}
#: The only move a partner makes: starting agreed work.
PARTNER_TRANSITIONS = frozenset({(PlanStatus.AGREED, PlanStatus.IN_PROGRESS)})
MANAGER_ONLY_MESSAGE = "Only the client's vendor managers agree, verify, fail or cancel a plan."
READ_ONLY_MESSAGE = "Your role may read action plans but not change them."

TRANSITION_LABELS: dict[str, str] = {
    PlanStatus.AGREED: "Agree the plan",
    PlanStatus.IN_PROGRESS: "Start the work",
    PlanStatus.VERIFIED: "Verify: it worked",
    PlanStatus.FAILED: "Mark failed",
    PlanStatus.CANCELLED: "Cancel the plan",
}

#: Fields a write may change (API and edit page); the rest follow the workflow.
EDITABLE_FIELDS = (
    "title",
    "description",
    "root_cause",
    "kpi",
    "target_value",
    "measure_from",
    "due_date",
    "cure_period_days",
    "clause",
)


# --- helpers ----------------------------------------------------------------------------
def side_of(user: User | None) -> str:
    if user is None:
        return ""
    return Side.VENDOR if user.is_partner else Side.CLIENT


def require_plan_writer(user: User, vendor_id: int) -> None:
    """Managers write on every vendor's plans, partners on their own vendor's; 403 else."""
    if not acts_for_vendor(user, vendor_id):
        raise PermissionDenied(READ_ONLY_MESSAGE)


def allowed_transitions(plan: ActionPlan, user: User) -> list[str]:
    """What ``user`` may move ``plan`` to now (the buttons on the page)."""
    targets = TRANSITIONS.get(plan.status, ())
    if can_manage(user):
        return list(targets)
    if speaks_for_vendor(user, plan.vendor_id):
        return [t for t in targets if (plan.status, t) in PARTNER_TRANSITIONS]
    return []


def _event(
    plan: ActionPlan,
    *,
    kind: str,
    by: User | None,
    body: str = "",
    from_status: str = "",
    to_status: str = "",
    now: datetime | None = None,
    evidence: CheckedUpload | None = None,
) -> PlanEvent:
    event = PlanEvent(
        plan=plan,
        vendor_id=plan.vendor_id,
        kind=kind,
        author=by,
        author_side=side_of(by),
        body=body,
        from_status=from_status,
        to_status=to_status,
        created_at=now or timezone.now(),
    )
    if evidence is not None:
        event.attachment_name = evidence.name
        event.attachment_size = evidence.size
        event.attachment_content_type = evidence.content_type
        event.attachment.save(evidence.storage_name(), ContentFile(evidence.content), save=False)
    event.save()
    return event


def client_people(plan: ActionPlan) -> list[User]:
    """Who answers for the plan on the client side: the dispute's owner, else the
    vendor's relationship owner, else every manager."""
    if plan.dispute_id and plan.dispute.owner_id:
        return [plan.dispute.owner]
    if plan.vendor.relationship_owner_id:
        return [plan.vendor.relationship_owner]
    return list(User.objects.filter(role=Role.MANAGER, is_active=True))


def vendor_people(plan: ActionPlan) -> list[User]:
    return list(User.objects.filter(role=Role.PARTNER, vendor_id=plan.vendor_id, is_active=True))


def _tell(plan: ActionPlan, *, kind: str, message: str, by: User | None) -> None:
    """Both sides hear of the change, except its author (in the change's transaction)."""
    recipients = [u for u in client_people(plan) + vendor_people(plan) if by is None or u != by]
    notify(
        recipients=recipients,
        kind=kind,
        message=message,
        url=plan.get_absolute_url(),
        vendor=plan.vendor,
    )


def _expected(plan: ActionPlan, expected_version: int | None, *, required: bool) -> int:
    if expected_version is not None:
        return expected_version
    if required:
        raise PreconditionRequired(current_version=plan.version)
    return plan.version


# --- creating and editing ---------------------------------------------------------------
@transaction.atomic
def plan_create(
    *,
    by: User,
    vendor: Vendor,
    title: str,
    due_date: date,
    dispute: Dispute | None = None,
    kpi: KPI | None = None,
    clause: Clause | None = None,
    action_item: ActionItem | None = None,
    source: str = "",
    root_cause: str = "",
    description: str = "",
    target_value: Decimal | None = None,
    measure_from: date | None = None,
    cure_period_days: int = 0,
    milestones: list[dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> ActionPlan:
    """Propose a plan. A partner proposes for its own vendor, a manager for any; an
    executive may not (403). It starts ``proposed`` and waits for a manager's agreement."""
    now = now or timezone.now()
    require_plan_writer(by, vendor.pk)
    if not source:
        source = (
            Source.DISPUTE
            if dispute
            else Source.MEETING
            if action_item
            else Source.SCORECARD
            if kpi
            else Source.STANDALONE
        )
    if dispute is not None and kpi is None and dispute.kpi_id:
        kpi = dispute.kpi
    if dispute is not None and clause is None and dispute.clause_id:
        clause = dispute.clause
    plan = ActionPlan(
        vendor=vendor,
        title=title.strip(),
        dispute=dispute,
        kpi=kpi,
        clause=clause,
        action_item=action_item,
        source=source,
        root_cause=root_cause.strip(),
        description=description.strip(),
        target_value=target_value,
        measure_from=measure_from,
        due_date=due_date,
        cure_period_days=cure_period_days or 0,
        proposed_by=by,
        proposed_by_side=side_of(by),
        created_at=now,
    )
    plan.full_clean()
    plan._history_user = by  # type: ignore[attr-defined]
    plan.save()
    _event(plan, kind=EventKind.CREATED, by=by, body=plan.root_cause, now=now)
    for data in milestones or []:
        milestone_add(plan=plan, by=by, now=now, **data)
    _tell(
        plan,
        kind="plan_proposed",
        message=f"{plan.reference} “{plan.title}” was proposed by {by}; it awaits agreement.",
        by=by,
    )
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: ActionPlan,
    by: User,
    changes: dict[str, Any],
    expected_version: int | None = None,
    version_required: bool = False,
    now: datetime | None = None,
) -> ActionPlan:
    """Change a plan's details. Managers while it is open; a partner of its vendor only
    while it is still proposed (after agreement the terms are the client's to change)."""
    require_plan_writer(by, plan.vendor_id)
    if not plan.is_open:
        raise ValidationError("This plan is closed; its terms can no longer change.")
    if not can_manage(by) and plan.status != PlanStatus.PROPOSED:
        raise PermissionDenied("Once agreed, only a vendor manager may change the plan's terms.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in unknown})
    expected = _expected(plan, expected_version, required=version_required)
    changed = {k: v for k, v in changes.items() if getattr(plan, k) != v}
    if not changed:
        if expected != plan.version:
            raise PlanConflict(current_version=plan.version)
        return plan
    candidate = ActionPlan(**{f.attname: getattr(plan, f.attname) for f in plan._meta.fields})
    for name, value in changed.items():
        setattr(candidate, name, value)
    candidate._state.adding = False  # the same row: its own id is not a duplicate
    candidate.full_clean()
    plan._history_user = by  # type: ignore[attr-defined]
    versioned_update(plan, expected_version=expected, conflict=PlanConflict, **changed)
    names = ", ".join(ActionPlan._meta.get_field(n).verbose_name for n in changed)
    _event(plan, kind=EventKind.UPDATE, by=by, body=f"Changed: {names}.", now=now)
    return plan


# --- the workflow -----------------------------------------------------------------------
@transaction.atomic
def plan_transition(
    *,
    plan: ActionPlan,
    to: str,
    by: User | None,
    note: str = "",
    expected_version: int | None = None,
    version_required: bool = False,
    now: datetime | None = None,
) -> ActionPlan:
    """Move ``plan`` to ``to``. ``by`` is None only for the sweep (the re-measurement
    failing a plan). 400 for an illegal move, 403 for a role, 409 when stale."""
    now = now or timezone.now()
    if to not in PlanStatus.values:
        raise ValidationError({"to": f"“{to}” is not a plan status."})
    current = plan.status
    if by is not None:
        require_plan_writer(by, plan.vendor_id)
        if not can_manage(by) and (current, to) not in PARTNER_TRANSITIONS:
            raise PermissionDenied(MANAGER_ONLY_MESSAGE)
    if to not in TRANSITIONS.get(current, ()):
        allowed = ", ".join(PlanStatus(t).label.lower() for t in TRANSITIONS.get(current, ()))
        raise ValidationError(
            {
                "to": f"A plan that is {PlanStatus(current).label.lower()} cannot become "
                f"{PlanStatus(to).label.lower()}; it can become: {allowed or 'nothing (final)'}."
            }
        )
    expected = _expected(plan, expected_version, required=version_required)
    changes: dict[str, Any] = {"status": to}
    if to == PlanStatus.AGREED:
        changes.update(agreed_at=now, agreed_by=by)
        if plan.measure_from is None:
            changes["measure_from"] = min(timezone.localdate(now), plan.due_date)
    if to not in OPEN_STATUSES:
        changes["closed_at"] = now
    plan._history_user = by  # type: ignore[attr-defined]
    versioned_update(plan, expected_version=expected, conflict=PlanConflict, **changes)
    _event(
        plan,
        kind=EventKind.STATUS,
        by=by,
        body=note.strip(),
        from_status=current,
        to_status=to,
        now=now,
    )
    who = str(by) if by else "the re-measurement"
    _tell(
        plan,
        kind="plan_transition",
        message=f"{plan.reference} “{plan.title}” is now {PlanStatus(to).label.lower()} ({who}).",
        by=by,
    )
    return plan


# --- timeline and evidence --------------------------------------------------------------
@transaction.atomic
def plan_comment(
    *,
    plan: ActionPlan,
    by: User,
    body: str,
    attachment: UploadedFile | None = None,
    now: datetime | None = None,
) -> PlanEvent:
    """A comment on the shared timeline, optionally with evidence (checked by content)."""
    require_plan_writer(by, plan.vendor_id)
    body = body.strip()
    if not body and attachment is None:
        raise ValidationError({"body": "Write something (or attach a file)."})
    evidence = None
    if attachment is not None:
        try:
            evidence = upload_check(uploaded_file=attachment, allowed=EVIDENCE_TYPES)
        except ValidationError as exc:
            raise ValidationError({"attachment": exc.messages}) from exc
    kind = EventKind.EVIDENCE if evidence is not None else EventKind.COMMENT
    event = _event(plan, kind=kind, by=by, body=body, now=now, evidence=evidence)
    what = "evidence" if evidence is not None else "a comment"
    _tell(plan, kind="plan_comment", message=f"{plan.reference}: {by} added {what}.", by=by)
    return event


# --- milestones -------------------------------------------------------------------------
@transaction.atomic
def milestone_add(
    *,
    plan: ActionPlan,
    by: User,
    title: str,
    due_date: date,
    owner_side: str = Side.VENDOR,
    done: bool = False,
    now: datetime | None = None,
) -> Milestone:
    """Add a step. Managers add either side's; a partner adds the vendor's own steps."""
    require_plan_writer(by, plan.vendor_id)
    if not plan.is_open:
        raise ValidationError("This plan is closed; it takes no new milestones.")
    if not can_manage(by) and owner_side != Side.VENDOR:
        raise PermissionDenied("The vendor adds its own milestones; the client adds its own.")
    milestone = Milestone(
        plan=plan,
        vendor_id=plan.vendor_id,
        title=title.strip(),
        owner_side=owner_side,
        due_date=due_date,
        created_at=now or timezone.now(),
    )
    milestone.full_clean()
    milestone._history_user = by  # type: ignore[attr-defined]
    milestone.save()
    _event(
        plan,
        kind=EventKind.MILESTONE,
        by=by,
        body=f"Milestone added: {milestone.title} ({milestone.get_owner_side_display().lower()} "
        f"side, due {milestone.due_date:%d %b %Y}).",
        now=now,
    )
    if done:
        milestone_set_done(milestone=milestone, by=by, done=True, now=now)
    return milestone


@transaction.atomic
def milestone_set_done(
    *, milestone: Milestone, by: User, done: bool, now: datetime | None = None
) -> Milestone:
    """Tick (or untick) a milestone: managers any, a partner its vendor's side's only.
    The first vendor milestone done on an agreed plan starts the work."""
    now = now or timezone.now()
    plan = milestone.plan
    require_plan_writer(by, plan.vendor_id)
    if not milestone.may_be_ticked_by(by):
        raise PermissionDenied("Only the client side updates the client's milestones.")
    if not plan.is_open:
        raise ValidationError("This plan is closed; its milestones can no longer change.")
    if milestone.done == done:
        return milestone
    milestone.done = done
    milestone.done_at = now if done else None
    milestone.done_by = by if done else None
    milestone._history_user = by  # type: ignore[attr-defined]
    milestone.save(update_fields=["done", "done_at", "done_by"])
    verb = "done" if done else "reopened"
    _event(plan, kind=EventKind.MILESTONE, by=by, body=f"Milestone {verb}: {milestone.title}.")
    if done and plan.status == PlanStatus.AGREED:
        plan_transition(plan=plan, to=PlanStatus.IN_PROGRESS, by=by, note="First milestone done.")
    _tell(
        plan,
        kind="plan_milestone",
        message=f"{plan.reference}: milestone “{milestone.title}” {verb} ({by}).",
        by=by,
    )
    return milestone
