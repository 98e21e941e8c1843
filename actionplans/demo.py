"""The action-plans part of ``seed_demo`` (idempotent: keyed on vendor and title).

Plans in every state a user meets: one awaiting agreement, one under way with a
milestone late on the client's side, one verified, one failed. Written through the
services, so the timelines and notifications are real.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from disputes.models import Dispute
from scorecards.models import KPI

from . import services
from .models import ActionPlan

# due: days from today; steps: transitions in order, with their actor.
PLANS: list[dict[str, Any]] = [
    {
        "vendor": "atlas-contact",
        "by": "paolo.atlas",
        "title": "Monday staffing: back to 80 % within 20 s",
        "dispute": "Service level 72 % against 80 % target in week 22",
        "kpi": "service_level",
        "target": "80",
        "root_cause": "The forecast model ignored the Monday marketing mail-out.",
        "description": "Campaign calendar in the forecast; six extra agents on Mondays.",
        "ago": 20,
        "due": 10,
        "cure": 7,
        "milestones": [
            ("Campaign calendar added to the forecast", "vendor", -12, True),
            ("Share the marketing calendar for the quarter", "client", -3, False),
            ("Six extra agents on the Monday roster", "vendor", 5, False),
        ],
        "steps": [
            ("agreed", "maria.manager", "Agreed at the weekly review."),
            ("in_progress", "paolo.atlas", "Forecast change live; hiring under way."),
        ],
    },
    {
        "vendor": "nordlicht-cx",
        "by": "tom.manager",
        "title": "E-mail quality coaching for the Lisbon team",
        "kpi": "csat",
        "target": "85",
        "root_cause": "New starters answer without the knowledge base.",
        "description": "Weekly calibration; knowledge-base checks in the QA form.",
        "ago": 2,
        "due": 45,
        "milestones": [("Calibration sessions every Friday", "vendor", 14, False)],
        "steps": [],
    },
    {
        "vendor": "atlas-contact",
        "by": "maria.manager",
        "title": "Weekend chat coverage",
        "root_cause": "Saturday rota left the chat skill unassigned.",
        "description": "Two chat-skilled agents on every weekend shift; rota checked Fridays.",
        "ago": 40,
        "due": -5,
        "milestones": [("Weekend rota with chat skill", "vendor", -30, True)],
        "steps": [
            ("agreed", "maria.manager", ""),
            ("verified", "maria.manager", "Four weekends covered; closing."),
        ],
    },
    {
        "vendor": "andes-support",
        "by": "diego.andes",
        "title": "Repeat contacts below 15 %",
        "kpi": "repeat_contact_rate",
        "target": "15",
        "root_cause": "Refund cases closed before the refund was processed.",
        "description": "Cases stay open until the refund is confirmed.",
        "ago": 60,
        "due": -8,
        "milestones": [("Change the closure rule in the CRM", "vendor", -40, True)],
        "steps": [
            ("agreed", "tom.manager", ""),
            ("failed", "tom.manager", "Still 19 % after the due date."),
        ],
    },
]


def seed(demo) -> None:
    """Add this app's demo rows; ``demo`` holds the vendors and users made so far."""
    now = timezone.now()
    today = timezone.localdate()
    for spec in PLANS:
        vendor = demo.vendors.get(spec["vendor"])
        by = demo.users.get(spec["by"])
        if vendor is None or by is None:
            continue
        if ActionPlan.objects.filter(vendor=vendor, title=spec["title"]).exists():
            continue
        dispute = None
        if spec.get("dispute"):
            dispute = Dispute.objects.filter(vendor=vendor, title=spec["dispute"]).first()
        kpi = KPI.objects.filter(code=spec["kpi"]).first() if spec.get("kpi") else None
        start = now - timedelta(days=spec["ago"])
        plan = services.plan_create(
            by=by,
            vendor=vendor,
            title=spec["title"],
            dispute=dispute,
            kpi=kpi,
            target_value=Decimal(spec["target"]) if kpi else None,
            root_cause=spec["root_cause"],
            description=spec["description"],
            measure_from=today - timedelta(days=spec["ago"]) if kpi else None,
            due_date=today + timedelta(days=spec["due"]),
            cure_period_days=spec.get("cure", 0),
            now=start,
        )
        for title, side, due, done in spec["milestones"]:
            owner = by if (side == "vendor") == by.is_partner else demo.users["maria.manager"]
            milestone = services.milestone_add(
                plan=plan,
                by=owner,
                title=title,
                owner_side=side,
                due_date=today + timedelta(days=due),
                now=start,
            )
            if done:
                services.milestone_set_done(milestone=milestone, by=owner, done=True)
        for to, actor, note in spec["steps"]:
            plan.refresh_from_db()
            if plan.status == to:
                continue
            services.plan_transition(plan=plan, to=to, by=demo.users[actor], note=note)
