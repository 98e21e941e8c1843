"""Plan reminders through ``send_reminders``: milestones due and overdue, plans awaiting
agreement; each exactly once, to the side that owns the step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command

from actionplans import services
from actionplans.reminders import sweep_action_plans
from tests.actionplans.factories import agree, make_plan
from vendorhub.models import Notification, Reminder
from vendorhub.reminders import run_all_sweeps

pytestmark = pytest.mark.django_db

DUE = date(2025, 6, 10)


def _at(day: date, hour: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def plan(vendor_a, partner_a, manager):
    vendor_a.relationship_owner = manager
    vendor_a.save()
    plan = make_plan(
        vendor=vendor_a,
        by=partner_a,
        due_date=DUE + timedelta(days=30),
        now=_at(DUE - timedelta(days=20)),
    )
    agree(plan, manager)
    services.milestone_add(plan=plan, by=partner_a, title="Hire six agents", due_date=DUE)
    services.milestone_add(
        plan=plan, by=manager, title="Share the forecast", owner_side="client", due_date=DUE
    )
    return plan


def _told(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_milestones_due_today_are_reminded_once_to_their_own_side(plan, partner_a, manager):
    assert sweep_action_plans(_at(DUE - timedelta(days=1), 23)) == 0
    assert sweep_action_plans(_at(DUE)) == 2
    assert sweep_action_plans(_at(DUE, 12)) == 0
    assert _told(partner_a, "plan.milestone_due") == 1
    assert _told(manager, "plan.milestone_due") == 1
    vendor_note = Notification.objects.get(recipient=partner_a, kind="plan.milestone_due")
    assert "Hire six agents" in vendor_note.message
    client_note = Notification.objects.get(recipient=manager, kind="plan.milestone_due")
    assert "Share the forecast" in client_note.message


def test_overdue_milestones_are_reminded_once_and_done_ones_never(plan, partner_a, manager):
    step = plan.milestones.get(owner_side="vendor")
    services.milestone_set_done(milestone=step, by=partner_a, done=True)
    for hour in (0, 5, 23):
        sweep_action_plans(_at(DUE + timedelta(days=1), hour))
    sweep_action_plans(_at(DUE + timedelta(days=4)))
    assert _told(partner_a, "plan.milestone_overdue") == 0
    assert _told(manager, "plan.milestone_overdue") == 1
    assert Reminder.objects.filter(kind="plan.milestone_overdue").count() == 1


def test_a_closed_plan_reminds_nobody(plan, manager, partner_a):
    services.plan_transition(plan=plan, to="cancelled", by=manager)
    assert sweep_action_plans(_at(DUE + timedelta(days=2))) == 0


def test_plans_awaiting_agreement_remind_the_client_once(vendor_a, partner_a, manager, executive):
    vendor_a.relationship_owner = manager
    vendor_a.save()
    proposed = _at(date(2025, 6, 1), 9)
    waiting = make_plan(vendor=vendor_a, by=partner_a, now=proposed, due_date=date(2025, 8, 1))
    assert sweep_action_plans(proposed + timedelta(days=2) - timedelta(seconds=1)) == 0
    assert sweep_action_plans(proposed + timedelta(days=2)) == 1
    assert sweep_action_plans(proposed + timedelta(days=5)) == 0
    assert _told(manager, "plan.awaiting_agreement") == 1
    assert _told(partner_a, "plan.awaiting_agreement") == 0
    agree(waiting, manager)
    assert sweep_action_plans(proposed + timedelta(days=9)) == 0


def test_the_send_reminders_run_includes_the_plan_sweep(plan, manager):
    outcome = run_all_sweeps(_at(DUE))
    assert outcome.counts["actionplans"] == 2
    assert outcome.ok
    again = run_all_sweeps(_at(DUE, 1))
    assert again.counts["actionplans"] == 0


def test_send_reminders_command_runs_it(plan, manager):
    call_command("send_reminders", now=_at(DUE).isoformat())
    assert Reminder.objects.filter(kind="plan.milestone_due").count() == 2
