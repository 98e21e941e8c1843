from __future__ import annotations

import pytest

from tests.actionplans.factories import make_plan


@pytest.fixture
def plan_a(vendor_a, partner_a, manager):
    """A plan proposed by vendor A's partner, with one milestone per side."""
    plan = make_plan(vendor=vendor_a, by=partner_a, root_cause="Too few agents on Mondays")
    from actionplans import services

    services.milestone_add(plan=plan, by=partner_a, title="Hire six agents", due_date=plan.due_date)
    services.milestone_add(
        plan=plan,
        by=manager,
        title="Share the forecast",
        owner_side="client",
        due_date=plan.due_date,
    )
    plan.refresh_from_db()
    return plan
