"""Period values are built as a contact centre would, in the database."""

from __future__ import annotations

from datetime import date

import pytest

from scorecards.scoring import compute_scorecards, scorecard_for
from tests.scorecards.factories import MeasurementFactory, TargetFactory, kpi

pytestmark = pytest.mark.django_db
MARCH = date(2025, 3, 1)


def _actual(vendor, code, start=MARCH, kind="month"):
    card = compute_scorecards([vendor.pk], kind, [start])[(vendor.pk, start)]
    line = card.line_for(code)
    return None if line is None else line.actual


def test_service_level_comes_from_counts_not_the_average_of_percentages(vendor_a):
    # Day 1: 90 of 100 answered in threshold; day 2: 50 of 1,000.
    MeasurementFactory(
        vendor=vendor_a, period_start=date(2025, 3, 1), numerator=90, denominator=100
    )
    MeasurementFactory(
        vendor=vendor_a, period_start=date(2025, 3, 2), numerator=500, denominator=1000
    )
    actual = _actual(vendor_a, "service_level")
    assert actual == pytest.approx(590 / 1100 * 100)  # 53.6 %
    assert actual != pytest.approx((90 + 50) / 2)  # the wrong average would be 70 %


def test_ratio_from_value_and_volume_equals_ratio_of_counts(vendor_a):
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 1), value=90, volume=100)
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 2), value=50, volume=1000)
    assert _actual(vendor_a, "service_level") == pytest.approx(590 / 1100 * 100)


def test_aht_is_weighted_by_volume(vendor_a):
    aht = kpi("aht")
    MeasurementFactory(
        vendor=vendor_a, kpi=aht, period_start=date(2025, 3, 1), value=300, volume=10
    )
    MeasurementFactory(
        vendor=vendor_a, kpi=aht, period_start=date(2025, 3, 2), value=600, volume=90
    )
    assert _actual(vendor_a, "aht") == pytest.approx((300 * 10 + 600 * 90) / 100)


def test_quarter_aggregates_its_three_months(vendor_a):
    for month in (1, 2, 3):
        MeasurementFactory(
            vendor=vendor_a,
            period_start=date(2025, month, 5),
            numerator=month * 10,
            denominator=100,
        )
    actual = _actual(vendor_a, "service_level", date(2025, 1, 1), "quarter")
    assert actual == pytest.approx(60 / 300 * 100)


def test_daily_values_are_not_double_counted_with_a_monthly_total(vendor_a):
    MeasurementFactory(
        vendor=vendor_a, period_start=date(2025, 3, 3), numerator=80, denominator=100
    )
    MeasurementFactory(
        vendor=vendor_a, period_start=MARCH, granularity="month", numerator=10, denominator=100
    )
    assert _actual(vendor_a, "service_level") == pytest.approx(80.0)


def test_no_data_is_none_and_left_out_of_the_overall_score(vendor_a):
    TargetFactory(vendor=vendor_a, kpi=kpi("service_level"), target=80, threshold=70, weight=50)
    TargetFactory(vendor=vendor_a, kpi=kpi("aht"), target=300, threshold=360, weight=50)
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 4), value=85, volume=100)
    card = scorecard_for(vendor_a.pk, "month", MARCH)
    aht_line = card.line_for("aht")
    assert aht_line.actual is None and aht_line.rag == "none" and aht_line.points is None
    # Only service level counts: it is green, so the renormalised score is 100, not 50.
    assert card.overall_score == pytest.approx(100.0)


def test_a_vendor_without_any_data_has_no_score_not_zero(vendor_a):
    TargetFactory(vendor=vendor_a)
    card = scorecard_for(vendor_a.pk, "month", MARCH)
    assert card.overall_score is None
    assert card.standing == "no_data"


def test_client_measured_value_is_scored_and_a_gap_is_flagged(vendor_a):
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 4), value=90, volume=100)
    MeasurementFactory(
        vendor=vendor_a, period_start=date(2025, 3, 4), value=70, volume=100, supplied_by="client"
    )
    card = compute_scorecards([vendor_a.pk], "month", [MARCH])[(vendor_a.pk, MARCH)]
    line = card.line_for("service_level")
    assert (line.vendor_value, line.client_value, line.actual) == (90, 70, 70)
    assert line.gap_flag is True
