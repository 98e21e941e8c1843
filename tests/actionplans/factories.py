"""Plans are made through the service, so their timeline and rules are real."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from actionplans import services
from actionplans.models import ActionPlan
from vendorhub.models import User, Vendor


def make_plan(
    *,
    vendor: Vendor,
    by: User,
    title: str = "Bring the service level back to 80 %",
    due_date: date | None = None,
    **details: Any,
) -> ActionPlan:
    if "kpi" in details and "target_value" not in details:
        details["target_value"] = Decimal("80")
    return services.plan_create(
        by=by,
        vendor=vendor,
        title=title,
        due_date=due_date or timezone.localdate() + timedelta(days=30),
        **details,
    )


def agree(plan: ActionPlan, manager: User) -> ActionPlan:
    return services.plan_transition(plan=plan, to="agreed", by=manager, note="Agreed")
