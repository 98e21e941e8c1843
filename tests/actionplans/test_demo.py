"""The demo plans: every state a user meets, idempotent."""

from __future__ import annotations

from actionplans import demo as plans_demo
from actionplans.models import ActionPlan
from disputes import demo as disputes_demo
from vendorhub.demo import DemoData, seed_core


def test_seed_covers_the_states_and_is_idempotent(db):
    data = DemoData()
    seed_core(data)
    disputes_demo.seed(data)
    plans_demo.seed(data)
    count = ActionPlan.objects.count()
    plans_demo.seed(data)
    assert ActionPlan.objects.count() == count == 4
    assert set(ActionPlan.objects.values_list("status", flat=True)) == {
        "proposed",
        "in_progress",
        "verified",
        "failed",
    }
    assert ActionPlan.objects.filter(dispute__isnull=False, proposed_by_side="vendor").exists()
    assert ActionPlan.objects.overdue().count() == 0
    late = ActionPlan.objects.get(title__startswith="Monday staffing").milestones.overdue()
    assert [m.owner_side for m in late] == ["client"]
