"""The disputes part of ``seed_demo`` (idempotent: keyed on vendor and title).

Each scenario is replayed through the real services with past timestamps, so the demo
shows honest clocks (met, breached, paused-free), shared and internal comments, vendor
responses and one recurring cluster.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from . import services
from .models import Dispute

# (vendor, raised by, type, severity, title, description, days ago, extra, steps)
# A step is (days after creation, action, actor, payload).
SCENARIOS: list[dict[str, Any]] = [
    {
        "vendor": "atlas-contact",
        "by": "maria.manager",
        "type": "underperformance",
        "severity": "high",
        "title": "Service level 72 % against 80 % target in week 22",
        "description": (
            "Week 22: 72.4 % of 18,930 offered calls answered within 20 s (target 80 %). "
            "Abandonment rose to 9.1 %. Peak gap Monday 09:00–11:00."
        ),
        "ago": 24,
        "steps": [
            (0.1, "comment", "maria.manager", ("Legal says credits apply from 75 %.", True)),
            (0.2, "move", "maria.manager", ("awaiting_vendor", "Please send root cause.")),
            (
                1.5,
                "respond",
                "paolo.atlas",
                (
                    "Confirmed. Monday forecast was 11 % low.",
                    "Forecast model ignored the marketing mail-out on Monday.",
                    "Add campaign calendar to forecast; 6 extra agents on Mondays from week 24.",
                ),
            ),
            (2, "move", "maria.manager", ("under_review", "")),
            (9, "comment", "paolo.atlas", ("Week 24: 81.2 % within 20 s.", False)),
            (10, "resolve", "maria.manager", ("Credit of 2 % agreed for week 22.", "upheld")),
            (12, "move", "maria.manager", ("closed", "Recovered for two weeks.")),
        ],
    },
    {
        "vendor": "atlas-contact",
        "by": "tom.manager",
        "type": "breach",
        "severity": "critical",
        "title": "Weekend chat queue left unstaffed on Saturday",
        "description": "Saturday 08:00–12:00 no agent logged in to chat; 212 chats lost.",
        "ago": 6,
        "steps": [
            (0.05, "move", "tom.manager", ("awaiting_vendor", "Facts attached; clause cited.")),
            (0.5, "comment", "tom.manager", ("Second time this quarter — watch it.", True)),
        ],
    },
    {
        "vendor": "atlas-contact",
        "by": "maria.manager",
        "type": "pricing",
        "severity": "medium",
        "title": "May invoice bills transfers as new contacts",
        "description": "Invoice 2025-05 lines 14–20 count 3,114 internal transfers as contacts.",
        "ago": 12,
        "extra": {"disputed_amount": "4820.00", "currency": "EUR"},
        "steps": [
            (0.2, "move", "maria.manager", ("awaiting_vendor", "")),
            (
                2,
                "respond",
                "paolo.atlas",
                (
                    "Transfers to the billing team are new contacts in our system.",
                    "Contact definition differs between the systems.",
                    "Propose counting only transfers that leave the queue.",
                ),
            ),
            (3, "move", "maria.manager", ("under_review", "Checking the contact definition.")),
        ],
    },
    # The recurring cluster: repeat contacts keep coming back.
    *[
        {
            "vendor": "atlas-contact",
            "by": "maria.manager",
            "type": "underperformance",
            "severity": "medium",
            "title": f"Repeat-contact rate above 18 % in {month}",
            "description": f"Repeat-contact rate {rate} % in {month} (target ≤ 12 %).",
            "ago": ago,
            "kpi": "repeat_contact_rate",
            "steps": steps,
        }
        for month, rate, ago, steps in [
            (
                "March",
                "18.6",
                80,
                [
                    (0.5, "move", "maria.manager", ("awaiting_vendor", "")),
                    (
                        2,
                        "respond",
                        "paolo.atlas",
                        (
                            "Agents close tickets too early.",
                            "Refund cases are closed before the refund is processed.",
                            "Keep refund cases open until the refund is confirmed.",
                        ),
                    ),
                    (3, "move", "maria.manager", ("under_review", "")),
                    (6, "resolve", "maria.manager", ("Coaching plan agreed.", "upheld")),
                ],
            ),
            (
                "April",
                "19.2",
                48,
                [
                    (0.5, "move", "maria.manager", ("awaiting_vendor", "Again.")),
                    (9, "move", "maria.manager", ("escalated", "No answer in a week.")),
                ],
            ),
            (
                "May",
                "20.1",
                9,
                [(0.2, "move", "maria.manager", ("awaiting_vendor", "Third month running."))],
            ),
        ]
    ],
    {
        "vendor": "nordlicht-cx",
        "by": "lena.nordlicht",
        "type": "miscommunication",
        "severity": "medium",
        "title": "Product change not discussed before go-live",
        "description": (
            "The new returns policy went live on Tuesday; our agents learned of it from "
            "customers. We ask for a two-week notice in the weekly ops meeting."
        ),
        "ago": 3,
        "steps": [
            (0.3, "comment", "tom.manager", ("Agreed, this slipped through.", False)),
            (0.4, "comment", "tom.manager", ("Product team skipped the change board.", True)),
        ],
    },
    {
        "vendor": "nordlicht-cx",
        "by": "tom.manager",
        "type": "underperformance",
        "severity": "low",
        "title": "QA score sample disputed for April",
        "description": "QA score 81 % vs target 85 %; vendor's own sample shows 87 %.",
        "ago": 30,
        "steps": [
            (1, "move", "tom.manager", ("awaiting_vendor", "")),
            (
                3,
                "respond",
                "lena.nordlicht",
                (
                    "Our calibration differs.",
                    "The two QA teams calibrate against different scorecards.",
                    "A joint calibration session every month from May.",
                ),
            ),
            (4, "move", "tom.manager", ("under_review", "")),
            (10, "move", "tom.manager", ("escalated", "Joint calibration needed.")),
            (15, "move", "tom.manager", ("under_review", "Calibration session booked.")),
        ],
    },
    {
        "vendor": "nordlicht-cx",
        "by": "tom.manager",
        "type": "pricing",
        "severity": "high",
        "title": "Overtime surcharge on FTE hours",
        "description": "April invoice adds 25 % surcharge on 310 FTE hours not pre-approved.",
        "ago": 40,
        "extra": {"disputed_amount": "9150.00", "currency": "EUR"},
        "steps": [
            (0.5, "move", "tom.manager", ("awaiting_vendor", "")),
            (1, "respond", "lena.nordlicht", ("Approved by your team lead by mail.", "", "")),
            (2, "move", "tom.manager", ("under_review", "")),
            (5, "resolve", "tom.manager", ("Withdrawn: approval mail found.", "withdrawn")),
            (20, "move", "tom.manager", ("open", "May invoice repeats it without approval.")),
        ],
    },
    {
        "vendor": "andes-support",
        "by": "maria.manager",
        "type": "breach",
        "severity": "critical",
        "title": "Customer data e-mailed to a personal account",
        "description": "An agent forwarded 14 customer records to a personal mailbox on 2 June.",
        "ago": 5,
        "steps": [
            (0.05, "move", "maria.manager", ("awaiting_vendor", "Data protection clause.")),
            (
                0.6,
                "respond",
                "diego.andes",
                (
                    "Agent suspended; mailbox wiped under supervision.",
                    "USB and webmail not blocked on the new site.",
                    "Block webmail on all sites by Friday; retrain all agents.",
                ),
            ),
        ],
    },
    {
        "vendor": "andes-support",
        "by": "tom.manager",
        "type": "miscommunication",
        "severity": "high",
        "title": "Quarterly review missed without notice",
        "description": "Nobody from the vendor joined the QBR on Thursday; no apology sent.",
        "ago": 2,
        "steps": [(0.1, "move", "tom.manager", ("awaiting_vendor", ""))],
    },
    {
        "vendor": "andes-support",
        "by": "maria.manager",
        "type": "pricing",
        "severity": "low",
        "title": "Per-minute pricing rewards long calls",
        "description": "AHT up 14 % since the switch to per-minute pricing; first-contact "
        "resolution flat. Review the pricing model at renewal.",
        "ago": 1,
        "steps": [],
    },
]


def _clause_for(vendor, kind: str):
    from contracts.models import Clause

    category = {"breach": ["service_level", "data_protection", "scope"]}.get(kind)
    if not category:
        return None
    clauses = Clause.objects.filter(vendor=vendor).order_by("sort_key")
    return clauses.filter(category__in=category).first() or clauses.first()


def _kpi(code: str | None):
    if not code:
        return None
    from scorecards.models import KPI

    return KPI.objects.filter(code=code).first()


def seed(demo) -> None:
    """Add this app's demo rows; ``demo`` holds the vendors and users made so far."""
    now = timezone.now()
    for scenario in SCENARIOS:
        vendor = demo.vendors.get(scenario["vendor"])
        by = demo.users.get(scenario["by"])
        if vendor is None or by is None:
            continue
        if Dispute.objects.filter(vendor=vendor, title=scenario["title"]).exists():
            continue
        start = now - timedelta(days=scenario["ago"])
        extra = dict(scenario.get("extra", {}))
        clause = _clause_for(vendor, scenario["type"])
        if clause is not None:
            extra["clause"] = clause
        kpi = _kpi(scenario.get("kpi"))
        if kpi is not None:
            extra["kpi"] = kpi
        partner = next(
            (u for u in demo.users.values() if u.is_partner and u.vendor_id == vendor.pk), None
        )
        if partner is not None and by.is_manager:
            extra["vendor_assignee"] = partner
        dispute = services.dispute_create(
            by=by,
            vendor=vendor,
            type=scenario["type"],
            severity=scenario["severity"],
            title=scenario["title"],
            description=scenario["description"],
            now=start,
            **extra,
        )
        for offset, action, actor_name, payload in scenario["steps"]:
            actor = demo.users[actor_name]
            when = start + timedelta(days=offset)
            if action == "move":
                to, note = payload
                services.dispute_transition(dispute=dispute, to=to, by=actor, note=note, now=when)
            elif action == "resolve":
                summary, outcome = payload
                services.dispute_transition(
                    dispute=dispute,
                    to="resolved",
                    by=actor,
                    note=summary,
                    outcome=outcome,
                    now=when,
                )
            elif action == "comment":
                body, internal = payload
                services.dispute_comment(
                    dispute=dispute, by=actor, body=body, internal=internal, now=when
                )
            elif action == "respond":
                body, root_cause, plan = payload
                services.dispute_respond(
                    dispute=dispute,
                    by=actor,
                    body=body,
                    root_cause=root_cause,
                    action_plan=plan,
                    now=when,
                )
