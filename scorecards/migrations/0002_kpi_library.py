"""The default KPI library for contact centres (codes are public: disputes, CSV, API)."""

from __future__ import annotations

from django.db import migrations

# code, name, unit, direction, aggregation, volume label, numerator label, description
LIBRARY = [
    ("service_level", "Service level", "percent", "higher", "ratio",
     "contacts offered", "answered within threshold",
     "Share of offered contacts answered within the agreed threshold (e.g. 80/20)."),
    ("asa", "Average speed of answer", "seconds", "lower", "weighted_mean",
     "contacts answered", "", "Mean wait before an agent answers, weighted by answered contacts."),
    ("aht", "Average handle time", "seconds", "lower", "weighted_mean",
     "contacts handled", "", "Talk + hold + wrap-up per handled contact, weighted by volume."),
    ("fcr", "First-contact resolution", "percent", "higher", "ratio",
     "contacts resolved or not", "resolved on first contact",
     "Share of customers whose problem was fixed on the first contact."),
    ("repeat_contact_rate", "Repeat-contact rate", "percent", "lower", "ratio",
     "contacts handled", "repeat contacts within 7 days",
     "Share of contacts from customers who contacted again about the same issue."),
    ("csat", "Customer satisfaction (CSAT)", "percent", "higher", "ratio",
     "survey responses", "satisfied responses (4–5 of 5)", "Share of satisfied survey answers."),
    ("nps", "Net promoter score", "score", "higher", "weighted_mean",
     "survey responses", "", "Promoters minus detractors (−100 to 100), weighted by responses."),
    ("abandonment_rate", "Abandonment rate", "percent", "lower", "ratio",
     "contacts offered", "contacts abandoned",
     "Share of offered contacts abandoned before an agent answered."),
    ("qa_score", "Quality assurance score", "percent", "higher", "weighted_mean",
     "evaluations", "", "Mean quality evaluation score, weighted by evaluations."),
    ("schedule_adherence", "Schedule adherence", "percent", "higher", "ratio",
     "scheduled agent minutes", "minutes in adherence",
     "Share of scheduled time agents worked as planned."),
    ("agent_attrition", "Agent attrition", "percent", "lower", "sum",
     "", "", "Agents who left as a share of headcount; periods add up."),
    ("email_first_response", "E-mail first response time", "hours", "lower", "weighted_mean",
     "e-mails received", "", "Hours to the first reply to an e-mail, weighted by e-mails."),
]


def add_library(apps, schema_editor):
    KPI = apps.get_model("scorecards", "KPI")
    for order, (code, name, unit, direction, aggregation, volume, numerator, text) in enumerate(
        LIBRARY, start=1
    ):
        KPI.objects.update_or_create(
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


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0001_initial")]

    operations = [migrations.RunPython(add_library, migrations.RunPython.noop)]
