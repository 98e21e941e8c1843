"""Missing data: a closed period, a target and no data is ``missing`` — never silently
re-weighted away (SPEC section 6; SCORECARD_MISSING_POLICY both ways)."""

from __future__ import annotations

from datetime import date

import pytest

from scorecards.scoring import compute_scorecards
from tests.scorecards.factories import MeasurementFactory, TargetFactory, kpi

pytestmark = pytest.mark.django_db
MARCH = date(2025, 3, 1)


def _targets(vendor):
    # Service level: target 80, red line 70, weight 50; AHT: target 300 s, red 360 s.
    TargetFactory(vendor=vendor, kpi=kpi("service_level"), target=80, threshold=70, weight=50)
    TargetFactory(vendor=vendor, kpi=kpi("aht"), target=300, threshold=360, weight=50)


def _aht_green(vendor):
    MeasurementFactory(
        vendor=vendor, kpi=kpi("aht"), period_start=date(2025, 3, 4), value=280, volume=100
    )


def _card(vendor, start=MARCH, **kwargs):
    return compute_scorecards([vendor.pk], "month", [start], **kwargs)[(vendor.pk, start)]


@pytest.fixture
def honest_and_silent(vendor_a, vendor_b):
    """vendor_a reports a red service level; vendor_b leaves it out."""
    for vendor in (vendor_a, vendor_b):
        _targets(vendor)
        _aht_green(vendor)
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 4), value=60, volume=100)
    return vendor_a, vendor_b


def test_a_kpi_with_a_target_and_no_data_in_a_closed_month_is_missing(
    honest_and_silent, api_for, executive
):
    _honest, silent = honest_and_silent
    card = _card(silent)
    line = card.line_for("service_level")
    assert line.status == "missing" and line.actual is None
    assert card.line_for("aht").status == "ok"
    assert (card.complete, card.missing_kpis) == (False, ["service_level"])
    body = api_for(executive).get("/api/v1/scorecards/?vendor=borealis-cx&period=2025-03").json()
    item = body["results"][0]
    assert item["complete"] is False and item["missing_kpis"] == ["service_level"]
    assert {x["kpi"]: x["status"] for x in item["kpis"]} == {
        "service_level": "missing",
        "aht": "ok",
    }


def test_exclude_policy_leaves_it_out_and_marks_the_score_incomplete(
    honest_and_silent, settings, client_for, executive
):
    settings.SCORECARD_MISSING_POLICY = "exclude"
    honest, silent = honest_and_silent
    # Honest: SL red (0 × 50) + AHT green (100 × 50) → 50. Silent: AHT alone → 100.
    assert _card(honest).overall_score == pytest.approx(50.0)
    assert _card(honest).complete is True
    silent_card = _card(silent)
    assert silent_card.overall_score == pytest.approx(100.0)
    assert silent_card.complete is False
    html = client_for(executive).get("/scorecards/vendor/borealis-cx/?period=2025-03").content
    text = html.decode()
    assert "Incomplete: no data for Service level" in text
    assert "left out of the overall score" in text


def test_miss_policy_scores_it_as_missed_so_leaving_out_a_red_kpi_never_pays(
    honest_and_silent, settings
):
    settings.SCORECARD_MISSING_POLICY = "miss"
    honest, silent = honest_and_silent
    honest_card, silent_card = _card(honest), _card(silent)
    line = silent_card.line_for("service_level")
    assert (line.status, line.rag, line.points) == ("missing", "red", 0.0)
    # Both: SL 0 × 50 % + AHT 100 × 50 % = 50 — the silent vendor does not score higher.
    assert silent_card.overall_score == pytest.approx(50.0)
    assert silent_card.overall_score <= honest_card.overall_score


def test_an_open_period_is_not_missing_yet(vendor_a):
    _targets(vendor_a)
    card = _card(vendor_a, today=date(2025, 3, 20))
    assert card.line_for("service_level").status == "ok"
    assert card.missing_kpis == [] and card.complete is False  # not closed yet


def test_a_kpi_without_a_target_is_no_target(vendor_a):
    MeasurementFactory(
        vendor=vendor_a, kpi=kpi("csat"), period_start=date(2025, 3, 4), value=80, volume=10
    )
    card = _card(vendor_a)
    assert card.line_for("csat").status == "no_target"
    assert card.complete is True
