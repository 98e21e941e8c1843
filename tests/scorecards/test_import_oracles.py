"""Imported platform data scores what a contact-centre analyst computes from the counts.

The oracles below read the sample payloads directly (not through the parsers): they
add up the platform's own counts for the whole month and apply the contract's formula.
The import goes through ``POST /api/v1/measurements/import/`` and the figures are read
back from ``/api/v1/scorecards/`` — the public surface at both ends. Both payloads span
three days and two queues (Genesys: voice and chat, with messages folded into chat).
"""

from __future__ import annotations

from datetime import date

import pytest

from scorecards.models import Measurement
from tests.contracts.factories import ContractFactory
from tests.platforms.payloads import load
from tests.scorecards.factories import TargetFactory, kpi

pytestmark = pytest.mark.django_db


def _genesys_totals(payload: dict) -> dict[str, float]:
    totals = dict.fromkeys(
        ("answered", "in_threshold", "abandoned", "short", "wait", "handled", "handle"), 0.0
    )
    for result in payload["results"]:
        for item in result["data"]:
            stats = {m["metric"]: m["stats"] for m in item["metrics"]}
            totals["answered"] += stats.get("tAnswered", {}).get("count", 0)
            totals["wait"] += stats.get("tAnswered", {}).get("sum", 0) / 1000
            totals["in_threshold"] += stats.get("oServiceLevel", {}).get("numerator", 0)
            totals["abandoned"] += stats.get("tAbandon", {}).get("count", 0)
            totals["short"] += stats.get("tShortAbandon", {}).get("count", 0)
            totals["handled"] += stats.get("tHandle", {}).get("count", 0)
            totals["handle"] += stats.get("tHandle", {}).get("sum", 0) / 1000
    return totals


def _connect_totals(payload: dict) -> dict[str, float]:
    totals = dict.fromkeys(
        ("answered", "in_threshold", "abandoned", "short", "wait", "handled", "handle"), 0.0
    )
    for result in payload["MetricResults"]:
        v = {c["Metric"]["Name"]: c["Value"] for c in result["Collections"]}
        handled = v["CONTACTS_HANDLED"] or 0
        totals["answered"] += handled
        totals["handled"] += handled
        totals["abandoned"] += v["CONTACTS_ABANDONED"] or 0
        totals["in_threshold"] += v["SUM_CONTACTS_ANSWERED_IN_X"] or 0
        totals["short"] += v["SUM_CONTACTS_ABANDONED_IN_X"] or 0
        # AHT and ASA are averages weighted by handled contacts (SPEC section 6).
        totals["handle"] += (v["AVG_HANDLE_TIME"] or 0) * handled
        totals["wait"] += (v["AVG_QUEUE_ANSWER_TIME"] or 0) * handled
    return totals


def _oracle(t: dict[str, float], treatment: str) -> dict[str, float]:
    long_abandons = t["abandoned"] - t["short"]
    service_level = {
        "count_against": t["in_threshold"] / (t["answered"] + long_abandons),
        "exclude": t["in_threshold"] / t["answered"],
        "count_for": (t["in_threshold"] + long_abandons) / (t["answered"] + long_abandons),
    }[treatment]
    return {
        "service_level": service_level * 100,
        "abandonment_rate": long_abandons / (t["answered"] + long_abandons) * 100,
        "asa": t["wait"] / t["answered"],
        "aht": t["handle"] / t["handled"],
        "contacts_handled": t["handled"],
        "handle_minutes": t["handle"] / 60,
    }


TOTALS = {"genesys_cloud": _genesys_totals, "amazon_connect": _connect_totals}
SAMPLES = {"genesys_cloud": "genesys_cloud_daily", "amazon_connect": "amazon_connect_daily"}


@pytest.mark.parametrize("treatment", ["count_against", "exclude", "count_for"])
@pytest.mark.parametrize("format", ["genesys_cloud", "amazon_connect"])
def test_imported_month_scores_the_analysts_figures(
    vendor_a, manager, executive, api_for, format, treatment
):
    contract = ContractFactory(vendor=vendor_a, abandon_treatment=treatment)
    TargetFactory(vendor=vendor_a, kpi=kpi("service_level"), contract=contract)
    payload = load(SAMPLES[format])
    response = api_for(manager).post(
        "/api/v1/measurements/import/",
        {"vendor": "acme-contact", "format": format, "payload": payload},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["errors"] == []
    # Three Manila days × six count-derived KPIs, client-measured (the client imported).
    assert response.json()["created"] == 18
    assert set(Measurement.objects.values_list("supplied_by", flat=True)) == {"client"}

    body = api_for(executive).get("/api/v1/scorecards/?vendor=acme-contact&period=2026-03")
    lines = {line["kpi"]: line for line in body.json()["results"][0]["kpis"]}
    expected = _oracle(TOTALS[format](load(SAMPLES[format])), treatment)
    for code, value in expected.items():
        assert lines[code]["actual"] == pytest.approx(value, abs=0.001), code


def test_days_are_cut_at_the_vendors_midnight_and_queues_add_up(vendor_a, manager, api_for):
    """The Connect sample's first day (16:00 UTC = midnight in Manila): both queues in
    one row per KPI, dated 2 March local, with the summed counts."""
    api_for(manager).post(
        "/api/v1/measurements/import/",
        {
            "vendor": "acme-contact",
            "format": "amazon_connect",
            "payload": load(SAMPLES["amazon_connect"]),
        },
        format="json",
    )
    row = Measurement.objects.get(kpi__code="service_level", period_start=date(2026, 3, 2))
    assert (row.answered, row.answered_in_threshold, row.abandoned, row.short_abandoned) == (
        489 + 85,
        402 + 80,
        31 + 3,
        8 + 1,
    )
    assert row.threshold_seconds == 20
    assert row.value == pytest.approx(482 / (574 + 34 - 9) * 100)
    assert not Measurement.objects.filter(period_start=date(2026, 3, 1)).exists()
