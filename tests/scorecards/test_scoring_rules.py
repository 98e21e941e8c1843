"""RAG, points and standing bands, at their boundaries; effective-dated targets."""

from __future__ import annotations

from datetime import date

import pytest

from scorecards.scoring import attainment_for, score_line, scorecard_for, standing_for
from tests.scorecards.factories import MeasurementFactory, TargetFactory, kpi

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("actual", "rag", "score"),
    [
        (80.0, "green", 100.0),
        (79.99, "amber", pytest.approx(99.95)),
        (70.0, "amber", 50.0),
        (69.99, "red", 0.0),
    ],
)
def test_rag_boundaries_for_a_higher_is_better_kpi(actual, rag, score):
    assert score_line(kpi("service_level"), actual, 80.0, 70.0) == (rag, score)


@pytest.mark.parametrize(
    ("actual", "rag"), [(300, "green"), (301, "amber"), (360, "amber"), (361, "red")]
)
def test_rag_boundaries_for_a_lower_is_better_kpi(actual, rag):
    assert score_line(kpi("aht"), actual, 300, 360)[0] == rag


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "critical"),
        (29.99, "critical"),
        (30, "poor"),
        (49.9, "poor"),
        (50, "good"),
        (79.99, "good"),
        (80, "excellent"),
        (100, "excellent"),
        (None, "no_data"),
    ],
)
def test_standing_bands_at_their_boundaries(score, band):
    assert standing_for(score) == band


def test_bands_are_configurable(settings):
    settings.SCORECARD_BANDS = [(0, "red"), (60, "ok")]
    assert standing_for(59) == "red"
    assert standing_for(60) == "ok"


def test_attainment_is_direction_aware():
    assert attainment_for(kpi("service_level"), 72, 80) == pytest.approx(90)
    assert attainment_for(kpi("aht"), 400, 300) == pytest.approx(75)
    assert attainment_for(kpi("aht"), None, 300) is None


def test_points_are_weighted_and_the_lowest_band_flags_probation(vendor_a):
    TargetFactory(vendor=vendor_a, kpi=kpi("service_level"), weight=30)
    TargetFactory(vendor=vendor_a, kpi=kpi("aht"), target=300, threshold=360, weight=10)
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 2), value=50, volume=100)  # red
    MeasurementFactory(
        vendor=vendor_a, kpi=kpi("aht"), period_start=date(2025, 3, 2), value=290, volume=100
    )
    card = scorecard_for(vendor_a.pk, "month", date(2025, 3, 1))
    assert card.line_for("service_level").points == 0
    assert card.line_for("aht").points == pytest.approx(25.0)  # 100 × 10/40
    assert card.overall_score == pytest.approx(25.0)
    assert card.standing == "critical" and card.probation is True


def test_past_periods_use_the_targets_then_in_force(vendor_a):
    TargetFactory(
        vendor=vendor_a,
        target=70,
        threshold=60,
        effective_from=date(2024, 1, 1),
        effective_to=date(2025, 2, 28),
    )
    TargetFactory(vendor=vendor_a, target=90, threshold=85, effective_from=date(2025, 3, 1))
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 2, 3), value=80, volume=100)
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 3), value=80, volume=100)
    february = scorecard_for(vendor_a.pk, "month", date(2025, 2, 1)).line_for("service_level")
    march = scorecard_for(vendor_a.pk, "month", date(2025, 3, 1)).line_for("service_level")
    assert (february.target, february.rag) == (70, "green")
    assert (march.target, march.rag) == (90, "red")


def test_trend_covers_twelve_periods(vendor_a):
    TargetFactory(vendor=vendor_a)
    MeasurementFactory(vendor=vendor_a, period_start=date(2024, 5, 3), value=90, volume=10)
    card = scorecard_for(vendor_a.pk, "month", date(2025, 3, 1))
    assert len(card.trend) == 12
    assert card.trend[0] == ("2024-04", None)
    assert card.trend[1] == ("2024-05", 100.0)
