"""The default KPI library for contact centres, as a function the demo and tests can call.

The data migration ``0002_kpi_library`` adds the same rows on ``migrate``; this copy is
for code that runs after a transactional test flushed them (or on a database created
without migrations' data).
"""

from __future__ import annotations

from .models import KPI

# code, name, unit, direction, aggregation, volume label, numerator label, description
LIBRARY = [
    (
        "service_level",
        "Service level",
        "percent",
        "higher",
        "ratio",
        "contacts offered",
        "answered within threshold",
        "Share of offered contacts answered within the agreed threshold (e.g. 80/20).",
    ),
    (
        "asa",
        "Average speed of answer",
        "seconds",
        "lower",
        "weighted_mean",
        "contacts answered",
        "",
        "Mean wait before an agent answers, weighted by answered contacts.",
    ),
    (
        "aht",
        "Average handle time",
        "seconds",
        "lower",
        "weighted_mean",
        "contacts handled",
        "",
        "Talk + hold + wrap-up per handled contact, weighted by volume.",
    ),
    (
        "fcr",
        "First-contact resolution",
        "percent",
        "higher",
        "ratio",
        "contacts resolved or not",
        "resolved on first contact",
        "Share of customers whose problem was fixed on the first contact.",
    ),
    (
        "repeat_contact_rate",
        "Repeat-contact rate",
        "percent",
        "lower",
        "ratio",
        "contacts handled",
        "repeat contacts within 7 days",
        "Share of contacts from customers who contacted again about the same issue.",
    ),
    (
        "csat",
        "Customer satisfaction (CSAT)",
        "percent",
        "higher",
        "ratio",
        "survey responses",
        "satisfied responses (4–5 of 5)",
        "Share of satisfied survey answers.",
    ),
    (
        "nps",
        "Net promoter score",
        "score",
        "higher",
        "weighted_mean",
        "survey responses",
        "",
        "Promoters minus detractors (−100 to 100), weighted by responses.",
    ),
    (
        "abandonment_rate",
        "Abandonment rate",
        "percent",
        "lower",
        "ratio",
        "contacts offered",
        "contacts abandoned",
        "Share of offered contacts abandoned before an agent answered.",
    ),
    (
        "qa_score",
        "Quality assurance score",
        "percent",
        "higher",
        "weighted_mean",
        "evaluations",
        "",
        "Mean quality evaluation score, weighted by evaluations.",
    ),
    (
        "schedule_adherence",
        "Schedule adherence",
        "percent",
        "higher",
        "ratio",
        "scheduled agent minutes",
        "minutes in adherence",
        "Share of scheduled time agents worked as planned.",
    ),
    (
        "agent_attrition",
        "Agent attrition",
        "percent",
        "lower",
        "sum",
        "",
        "",
        "Agents who left as a share of headcount; periods add up.",
    ),
    (
        "email_first_response",
        "E-mail first response time",
        "hours",
        "lower",
        "weighted_mean",
        "e-mails received",
        "",
        "Hours to the first reply to an e-mail, weighted by e-mails.",
    ),
    (
        "contacts_handled",
        "Contacts handled",
        "count",
        "higher",
        "sum",
        "",
        "",
        "Contacts agents handled in the period; the volume behind per-contact invoices.",
    ),
    (
        "handle_minutes",
        "Handle minutes",
        "minutes",
        "lower",
        "sum",
        "",
        "",
        "Total handle time (talk, hold, wrap-up) in minutes; the volume behind per-minute "
        "invoices.",
    ),
]


def ensure_kpi_library() -> int:
    """Create or refresh the library KPIs; returns how many were created."""
    created = 0
    for order, (code, name, unit, direction, aggregation, volume, numerator, text) in enumerate(
        LIBRARY, start=1
    ):
        _kpi, was_created = KPI.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "direction": direction,
                "aggregation": aggregation,
                "volume_label": volume,
                "numerator_label": numerator,
                "description": text,
                "is_library": True,
                "sort_order": order * 10,
            },
        )
        created += was_created
    return created
