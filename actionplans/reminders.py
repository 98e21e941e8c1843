"""Reminder sweep for action plans (registered with ``send_reminders``).

Each run, for every plan and milestone concerned, exactly once each (the reminder's
unique key names the object, the stage and the due instant):

- re-measures running plans whose due date (or cure period) has ended
  (``measurement.plan_remeasure``: proposed for verification, cure, or failed);
- reminds the owning side of a milestone due today (``due``) and of one past its due
  date (``overdue``): the vendor's partners for the vendor's steps, the client owner
  for the client's;
- reminds the client of a plan proposed more than ``PLAN_AGREEMENT_DAYS`` (default 2)
  days ago and still awaiting agreement.

Each object's work is its own transaction (``isolated``): a failure costs that object
only, and the next run does what was not committed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.utils import timezone

from vendorhub.reminders import (
    as_instant,
    isolated,
    keyset_chunks,
    register,
    register_relevance,
    remind,
    reminder_key,
    sent_keys,
)

from .measurement import plan_remeasure, plans_to_measure
from .models import OPEN_STATUSES, ActionPlan, Milestone, PlanStatus, Side
from .services import client_people, vendor_people


def agreement_days() -> int:
    return int(getattr(settings, "PLAN_AGREEMENT_DAYS", 2))


def _today(now: datetime):
    return now.astimezone(timezone.UTC).date()


@register("actionplans")
def sweep_action_plans(now: datetime) -> int:
    """Re-measure, then remind. Returns the reminders sent and plans re-measured."""
    count = 0
    plans = plans_to_measure(now)
    for chunk in keyset_chunks(plans, 200):
        for plan in chunk:
            count += isolated(plan, partial(_remeasure_one, plan, now))
    count += _sweep_milestones(now)
    count += _sweep_awaiting_agreement(now)
    return count


def _remeasure_one(plan: ActionPlan, now: datetime) -> int:
    return 1 if plan_remeasure(plan=plan, now=now) else 0


def _milestone_stage(milestone: Milestone, today) -> str:
    return "due" if milestone.due_date == today else "overdue"


def _sweep_milestones(now: datetime) -> int:
    today = _today(now)
    milestones = Milestone.objects.filter(
        done=False, plan__status__in=OPEN_STATUSES, due_date__lte=today
    ).select_related("plan__vendor__relationship_owner", "plan__dispute__owner")
    sent = 0
    for chunk in keyset_chunks(milestones, 500):
        keys = {m.pk: _milestone_key(m, today) for m in chunk}
        done = sent_keys(keys.values())
        for milestone in chunk:
            if keys[milestone.pk] not in done:
                stage = _milestone_stage(milestone, today)
                sent += isolated(milestone, partial(_remind_milestone, milestone, stage, now))
    return sent


def _milestone_key(milestone: Milestone, today) -> str:
    stage = _milestone_stage(milestone, today)
    return reminder_key(f"plan.milestone_{stage}", milestone, stage, as_instant(milestone.due_date))


def _remind_milestone(milestone: Milestone, stage: str, now: datetime) -> int:
    plan = milestone.plan
    people = vendor_people(plan) if milestone.owner_side == Side.VENDOR else client_people(plan)
    when = "is due today" if stage == "due" else f"was due {milestone.due_date:%d %b %Y}"
    return int(
        remind(
            kind=f"plan.milestone_{stage}",
            obj=milestone,
            stage=stage,
            due_at=milestone.due_date,
            recipients=people,
            message=f"{plan.reference}: milestone “{milestone.title}” {when}",
            url=plan.get_absolute_url(),
            vendor=plan.vendor,
            now=now,
        )
    )


def _sweep_awaiting_agreement(now: datetime) -> int:
    cutoff = now - timedelta(days=agreement_days())
    plans = ActionPlan.objects.filter(
        status=PlanStatus.PROPOSED, created_at__lte=cutoff
    ).select_related("vendor__relationship_owner", "dispute__owner")
    sent = 0
    for chunk in keyset_chunks(plans, 500):
        done = sent_keys(
            reminder_key("plan.awaiting_agreement", p, "agreement", _agreement_due(p))
            for p in chunk
        )
        for plan in chunk:
            key = reminder_key("plan.awaiting_agreement", plan, "agreement", _agreement_due(plan))
            if key not in done:
                sent += isolated(plan, partial(_remind_agreement, plan, now))
    return sent


def _agreement_due(plan: ActionPlan) -> datetime:
    return plan.created_at + timedelta(days=agreement_days())


def _remind_agreement(plan: ActionPlan, now: datetime) -> int:
    return int(
        remind(
            kind="plan.awaiting_agreement",
            obj=plan,
            stage="agreement",
            due_at=_agreement_due(plan),
            recipients=client_people(plan),
            message=f"{plan.reference} “{plan.title}” awaits your agreement "
            f"(proposed {plan.created_at:%d %b %Y})",
            url=plan.get_absolute_url(),
            vendor=plan.vendor,
            now=now,
        )
    )


@register_relevance("actionplans.actionplan")
def plans_still_open(ids: set[int]) -> set[int]:
    return set(ActionPlan.objects.filter(pk__in=ids).open().values_list("pk", flat=True))


@register_relevance("actionplans.milestone")
def milestones_still_pending(ids: set[int]) -> set[int]:
    return set(Milestone.objects.filter(pk__in=ids).pending().values_list("pk", flat=True))
