"""Re-measurement on the due date, and what a failed plan can become.

On the day after a running plan's due date (its re-measurement window is then
complete: midnight UTC, like every due date in the product) the plan's KPI is
re-measured with the scorecard maths (``scorecards.scoring.kpi_value``: the same sums
and service-level definition as the scorecard) over the window, and compared with
``target_value`` in the KPI's direction:

- on target → the plan is *proposed for verification* (``measurement = met``): its
  status stays, a manager verifies it;
- missed, with a cure period not yet used → the plan enters its cure period
  (``cure_until = due_date + cure_period_days``), re-measured over the cure days at its
  end;
- missed otherwise → the plan is marked ``failed`` by the re-measurement;
- no data in the window → ``measurement = no_data``; a manager decides, and the next
  sweeps measure again should the data arrive late.

Each plan is re-measured once per final date (``measured_for``), under a row lock, so a
repeated or concurrent sweep changes nothing twice. A failed plan can then escalate its
dispute, or open a ``breach`` dispute citing the plan's clause (``plan_escalate``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from disputes import services as dispute_services
from disputes.models import DisputeType, Severity
from disputes.models import Status as DisputeStatus
from scorecards.models import Direction
from scorecards.scoring import kpi_value
from vendorhub.access import require_manager
from vendorhub.concurrency import versioned_update

from .models import RUNNING_STATUSES, ActionPlan, EventKind, Measurement, PlanStatus
from .services import PlanConflict, _event, _tell, plan_transition

if TYPE_CHECKING:
    from contracts.models import Clause
    from disputes.models import Dispute
    from vendorhub.models import User


def measurement_due_at(final_date: date) -> datetime:
    """The instant a final date's window is complete: the next midnight, UTC."""
    day = final_date + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=timezone.UTC)


def meets_target(plan: ActionPlan, value: float) -> bool:
    """``value`` is at least as good as the target in the KPI's direction."""
    target = float(plan.target_value)
    if plan.kpi.direction == Direction.LOWER:
        return value <= target
    return value >= target


def plans_to_measure(now: datetime):
    """Running plans with a KPI whose final date's window is complete at ``now`` and
    that were not measured for it yet (or found no data then)."""
    from django.db.models import F, Q

    last_complete_day = (now.astimezone(timezone.UTC) - timedelta(days=1)).date()
    due = Q(cure_until__isnull=True, due_date__lte=last_complete_day) | Q(
        cure_until__lte=last_complete_day
    )
    not_measured = (
        Q(measured_for__isnull=True)
        | Q(cure_until__isnull=True, measured_for__lt=F("due_date"))
        | Q(cure_until__isnull=False, measured_for__lt=F("cure_until"))
        | Q(measurement=Measurement.NO_DATA)
    )
    return (
        ActionPlan.objects.filter(status__in=RUNNING_STATUSES, kpi__isnull=False)
        .exclude(target_value__isnull=True)
        .filter(due)
        .filter(not_measured)
    )


@transaction.atomic
def plan_remeasure(*, plan: ActionPlan, now: datetime) -> str:
    """Re-measure ``plan`` if its window is complete and it was not measured for it.

    Returns what happened: ``met``, ``cure``, ``failed``, ``no_data`` or ``""`` (nothing
    to do: not due, already measured, or changed meanwhile).
    """
    plan = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("kpi", "vendor", "vendor__relationship_owner", "dispute__owner")
        .get(pk=plan.pk)
    )
    final = plan.final_date
    if plan.status not in RUNNING_STATUSES or plan.kpi_id is None or plan.target_value is None:
        return ""
    if now < measurement_due_at(final):
        return ""
    already = plan.measured_for is not None and plan.measured_for >= final
    if already and plan.measurement != Measurement.NO_DATA:
        return ""
    start, end = plan.measurement_window()
    value = kpi_value(vendor=plan.vendor_id, kpi=plan.kpi, start=start, end=end)
    window = f"{start:%d %b %Y} – {end:%d %b %Y}"
    target = _fmt(plan.target_value)
    if value is None:
        if already:
            return ""  # still no data: said once already
        versioned_update(
            plan,
            expected_version=plan.version,
            conflict=PlanConflict,
            measurement=Measurement.NO_DATA,
            measured_value=None,
            measured_at=now,
            measured_for=final,
        )
        _event(
            plan,
            kind=EventKind.MEASUREMENT,
            by=None,
            body=f"No {plan.kpi.name} data for {window}: a manager verifies or fails the plan.",
            now=now,
        )
        _tell(
            plan,
            kind="plan_measured",
            message=f"{plan.reference}: no {plan.kpi.name} data to re-measure the plan.",
            by=None,
        )
        return "no_data"
    met = meets_target(plan, value)
    changes = {
        "measurement": Measurement.MET if met else Measurement.MISSED,
        "measured_value": value,
        "measured_at": now,
        "measured_for": final,
    }
    summary = f"{plan.kpi.name} {_fmt(value)} over {window} against a target of {target}"
    if met:
        versioned_update(plan, expected_version=plan.version, conflict=PlanConflict, **changes)
        _event(
            plan,
            kind=EventKind.MEASUREMENT,
            by=None,
            body=f"Target met: {summary}. Proposed for verification.",
            now=now,
        )
        _tell(
            plan,
            kind="plan_measured",
            message=f"{plan.reference}: target met ({_fmt(value)}); please verify the plan.",
            by=None,
        )
        return "met"
    if plan.cure_period_days and plan.cure_until is None:
        cure_until = plan.due_date + timedelta(days=plan.cure_period_days)
        versioned_update(
            plan,
            expected_version=plan.version,
            conflict=PlanConflict,
            cure_until=cure_until,
            **changes,
        )
        _event(
            plan,
            kind=EventKind.MEASUREMENT,
            by=None,
            body=f"Target missed: {summary}. Cure period until {cure_until:%d %b %Y}; "
            "re-measured over the cure days at its end.",
            now=now,
        )
        _tell(
            plan,
            kind="plan_measured",
            message=f"{plan.reference}: target missed ({_fmt(value)}); cure period until "
            f"{cure_until:%d %b %Y}.",
            by=None,
        )
        return "cure"
    versioned_update(plan, expected_version=plan.version, conflict=PlanConflict, **changes)
    _event(plan, kind=EventKind.MEASUREMENT, by=None, body=f"Target missed: {summary}.", now=now)
    plan_transition(
        plan=plan, to=PlanStatus.FAILED, by=None, note="Failed on re-measurement.", now=now
    )
    return "failed"


def _fmt(value: float | Decimal) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


# --- after a failure --------------------------------------------------------------------
def escalation_kind(plan: ActionPlan) -> str:
    """``escalate`` (its dispute is open and may climb), ``breach`` (a breach dispute
    may be opened) or ``""`` (nothing: not failed, or done already)."""
    if plan.status != PlanStatus.FAILED or plan.escalated_dispute_id:
        return ""
    dispute = plan.dispute
    if dispute is not None and dispute.is_open and dispute.status != DisputeStatus.ESCALATED:
        return "escalate"
    if dispute is not None and dispute.status == DisputeStatus.ESCALATED:
        return "breach"
    return "breach"


@transaction.atomic
def plan_escalate(
    *,
    plan: ActionPlan,
    by: User,
    note: str = "",
    clause: Clause | None = None,
    now: datetime | None = None,
) -> Dispute:
    """A manager acts on a failed plan: escalate its open dispute, or else open a
    ``breach`` dispute citing the plan's clause (or ``clause``). Returns the dispute."""
    now = now or timezone.now()
    require_manager(by)
    kind = escalation_kind(plan)
    if not kind:
        if plan.status != PlanStatus.FAILED:
            raise ValidationError("Only a failed plan is escalated.")
        raise ValidationError("This plan has been escalated already.")
    note = note.strip()
    if kind == "escalate":
        dispute = plan.dispute
        dispute_services.dispute_transition(
            dispute=dispute,
            to=DisputeStatus.ESCALATED,
            by=by,
            note=(f"Action plan {plan.reference} failed. " + note).strip(),
            now=now,
        )
        body = f"Escalated {dispute.reference}." + (f" {note}" if note else "")
    else:
        clause = clause or plan.clause
        if clause is None:
            raise ValidationError({"clause": "Name the clause the breach is about."})
        if clause.vendor_id != plan.vendor_id:
            raise PermissionDenied("This clause belongs to another vendor's contract.")
        measured = (
            f" Re-measured {plan.kpi.name}: {_fmt(plan.measured_value)} against a target of "
            f"{_fmt(plan.target_value)}."
            if plan.kpi_id and plan.measured_value is not None
            else ""
        )
        dispute = dispute_services.dispute_create(
            by=by,
            vendor=plan.vendor,
            type=DisputeType.BREACH,
            severity=Severity.HIGH,
            title=f"Breach of § {clause.number}: action plan {plan.reference} failed"[:200],
            description=(
                f"The corrective action plan “{plan.title}” ({plan.reference}) was due on "
                f"{plan.final_date:%d %b %Y} and failed.{measured} {note}"
            ).strip(),
            contract=clause.contract,
            clause=clause,
            kpi=plan.kpi,
            now=now,
        )
        body = f"Opened breach dispute {dispute.reference} citing § {clause.number}." + (
            f" {note}" if note else ""
        )
    versioned_update(
        plan,
        expected_version=plan.version,
        conflict=PlanConflict,
        escalated_dispute=dispute,
    )
    _event(plan, kind=EventKind.ESCALATION, by=by, body=body, now=now)
    return dispute
