"""``kpi_value``: one KPI over a custom range (action-plan re-measurement, issue 12).

Oracles are computed here from the fixture's own numbers.
"""

from __future__ import annotations

from datetime import date

import pytest

from scorecards.scoring import kpi_value
from tests.contracts.factories import ContractFactory
from tests.scorecards.factories import MeasurementFactory, TargetFactory, kpi

pytestmark = pytest.mark.django_db


def _sl_counts(vendor, day, answered, in_threshold, abandoned, short, **extra):
    return MeasurementFactory(
        vendor=vendor,
        kpi=kpi("service_level"),
        period_start=day,
        value=None,
        volume=None,
        answered=answered,
        answered_in_threshold=in_threshold,
        abandoned=abandoned,
        short_abandoned=short,
        **extra,
    )


def test_daily_ratio_rows_are_summed_over_the_range_only(vendor_a):
    rows = [(date(2025, 3, d), n, 100) for d, n in ((9, 10), (10, 90), (11, 60), (12, 99))]
    for day, numerator, denominator in rows:
        MeasurementFactory(
            vendor=vendor_a, period_start=day, numerator=numerator, denominator=denominator
        )
    value = kpi_value(
        vendor=vendor_a, kpi="service_level", start=date(2025, 3, 10), end=date(2025, 3, 11)
    )
    assert value == pytest.approx((90 + 60) / 200 * 100)


def test_weekly_and_monthly_rows_count_only_when_wholly_inside(vendor_a):
    csat = kpi("csat")
    # A week wholly inside (Mon 3 – Sun 9 March) and one straddling the end (10 – 16).
    MeasurementFactory(
        vendor=vendor_a,
        kpi=csat,
        period_start=date(2025, 3, 3),
        granularity="week",
        numerator=80,
        denominator=100,
    )
    MeasurementFactory(
        vendor=vendor_a,
        kpi=csat,
        period_start=date(2025, 3, 10),
        granularity="week",
        numerator=10,
        denominator=100,
    )
    MeasurementFactory(
        vendor=vendor_a,
        kpi=csat,
        period_start=date(2025, 2, 1),
        granularity="month",
        numerator=300,
        denominator=400,
    )
    # 1 Feb – 12 Mar: February's month row and the first week; not the second week.
    value = kpi_value(vendor=vendor_a, kpi=csat, start=date(2025, 2, 1), end=date(2025, 3, 12))
    assert value == pytest.approx((300 + 80) / (400 + 100) * 100)
    # 2 Feb – 12 Mar: February is no longer whole, so only the first week remains.
    value = kpi_value(vendor=vendor_a, kpi=csat, start=date(2025, 2, 2), end=date(2025, 3, 12))
    assert value == pytest.approx(80.0)


def test_no_rows_in_the_range_is_none_not_zero(vendor_a):
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 1), value=90, volume=10)
    assert (
        kpi_value(
            vendor=vendor_a, kpi="service_level", start=date(2025, 4, 1), end=date(2025, 4, 30)
        )
        is None
    )


def test_the_supplier_can_be_chosen_and_defaults_to_the_client(vendor_a):
    day = date(2025, 3, 5)
    MeasurementFactory(vendor=vendor_a, period_start=day, value=90, volume=100)
    MeasurementFactory(
        vendor=vendor_a, period_start=day, value=70, volume=100, supplied_by="client"
    )
    common = {"vendor": vendor_a, "kpi": "service_level", "start": day, "end": day}
    assert kpi_value(**common) == pytest.approx(70.0)
    assert kpi_value(**common, supplier="vendor") == pytest.approx(90.0)
    assert kpi_value(**common, supplier="client") == pytest.approx(70.0)


def test_count_rows_use_the_contracts_definition(vendor_a):
    days = [
        # answered, in threshold, abandoned, short
        (date(2025, 3, 3), 400, 330, 30, 10),
        (date(2025, 3, 4), 380, 250, 50, 5),
    ]
    for day, answered, in_threshold, abandoned, short in days:
        _sl_counts(vendor_a, day, answered, in_threshold, abandoned, short)
    answered = 400 + 380
    in_threshold = 330 + 250
    long_abandons = (30 - 10) + (50 - 5)
    common = {
        "vendor": vendor_a,
        "kpi": "service_level",
        "start": date(2025, 3, 1),
        "end": date(2025, 3, 31),
    }
    # No contract: the defaults (abandons count against).
    assert kpi_value(**common) == pytest.approx(in_threshold / (answered + long_abandons) * 100)
    # The vendor's single active contract leaves abandons out.
    contract = ContractFactory(vendor=vendor_a, abandon_treatment="exclude")
    assert kpi_value(**common) == pytest.approx(in_threshold / answered * 100)
    # A target naming another contract wins over the single active one.
    other = ContractFactory(vendor=vendor_a, status="draft", abandon_treatment="count_for")
    TargetFactory(vendor=vendor_a, kpi=kpi("service_level"), contract=other)
    assert kpi_value(**common) == pytest.approx(
        (in_threshold + long_abandons) / (answered + long_abandons) * 100
    )
    assert contract.pk != other.pk


def test_asa_aht_and_volumes_come_from_summed_counts(vendor_a):
    waits = [(date(2025, 3, 3), 400, 5200.0), (date(2025, 3, 4), 100, 9000.0)]
    for day, answered, wait in waits:
        MeasurementFactory(
            vendor=vendor_a,
            kpi=kpi("asa"),
            period_start=day,
            value=None,
            volume=None,
            answered=answered,
            answer_wait_seconds=wait,
        )
    handles = [(date(2025, 3, 3), 390, 120_000.0), (date(2025, 3, 4), 95, 40_000.5)]
    for day, handled, seconds in handles:
        for code in ("aht", "contacts_handled", "handle_minutes"):
            counts = {"handled": handled, "handle_seconds": seconds}
            if code == "contacts_handled":
                counts = {"handled": handled}
            elif code == "handle_minutes":
                counts = {"handle_seconds": seconds}
            MeasurementFactory(
                vendor=vendor_a,
                kpi=kpi(code),
                period_start=day,
                value=None,
                volume=None,
                **counts,
            )
    common = {"vendor": vendor_a, "start": date(2025, 3, 1), "end": date(2025, 3, 31)}
    assert kpi_value(kpi="asa", **common) == pytest.approx((5200 + 9000) / (400 + 100))
    assert kpi_value(kpi="aht", **common) == pytest.approx((120_000 + 40_000.5) / (390 + 95))
    assert kpi_value(kpi="contacts_handled", **common) == pytest.approx(390 + 95)
    assert kpi_value(kpi="handle_minutes", **common) == pytest.approx((120_000 + 40_000.5) / 60)


def test_a_range_that_ends_before_it_starts_is_refused(vendor_a):
    with pytest.raises(ValueError):
        kpi_value(vendor=vendor_a, kpi="csat", start=date(2025, 3, 2), end=date(2025, 3, 1))
