"""Two library KPIs for invoices (issue 11) and count-derived imports (issue 10):
``contacts_handled`` (Σ handled) and ``handle_minutes`` (Σ handle time ÷ 60)."""

from __future__ import annotations

from django.db import migrations

# code, name, unit, direction, aggregation, description, sort order (after the 12 first)
NEW_KPIS = [
    (
        "contacts_handled",
        "Contacts handled",
        "count",
        "higher",
        "sum",
        "Contacts agents handled in the period; the volume behind per-contact invoices.",
        130,
    ),
    (
        "handle_minutes",
        "Handle minutes",
        "minutes",
        "lower",
        "sum",
        "Total handle time (talk, hold, wrap-up) in minutes; the volume behind per-minute "
        "invoices.",
        140,
    ),
]


def add_kpis(apps, schema_editor):
    KPI = apps.get_model("scorecards", "KPI")
    for code, name, unit, direction, aggregation, text, order in NEW_KPIS:
        KPI.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "direction": direction,
                "aggregation": aggregation,
                "volume_label": "",
                "numerator_label": "",
                "description": text,
                "is_library": True,
                "sort_order": order,
            },
        )


def remove_kpis(apps, schema_editor):
    KPI = apps.get_model("scorecards", "KPI")
    KPI.objects.filter(code__in=[k[0] for k in NEW_KPIS], measurements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0006_measurement_counts")]

    operations = [migrations.RunPython(add_kpis, remove_kpis)]
