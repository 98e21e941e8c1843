"""Indicative service credits: at-risk share, allocation per KPI, monthly cap."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contracts.models import Contract
from scorecards.credits import credit_for_month
from scorecards.scoring import scorecard_for
from tests.scorecards.factories import MeasurementFactory, TargetFactory, kpi

pytestmark = pytest.mark.django_db


def test_credit_is_the_allocated_share_of_the_amount_at_risk():
    at_risk, earned, cap = credit_for_month(
        monthly_fee=Decimal("100000"),
        at_risk_percent=Decimal("10"),
        cap_percent=Decimal("0"),
        allocation={"service_level": 50, "aht": 20},
        missed=["service_level"],
    )
    assert (at_risk, earned, cap) == (Decimal("10000.00"), Decimal("5000.00"), None)


def test_credit_is_capped_per_month():
    _, earned, cap = credit_for_month(
        monthly_fee=Decimal("100000"),
        at_risk_percent=Decimal("10"),
        cap_percent=Decimal("6"),
        allocation={"service_level": 50, "aht": 30},
        missed=["service_level", "aht"],
    )
    assert (earned, cap) == (Decimal("6000.00"), Decimal("6000.00"))


def test_scorecard_shows_credits_for_missed_red_lines(vendor_a):
    Contract.objects.create(
        vendor=vendor_a,
        reference="MSA-1",
        title="MSA",
        status="active",
        effective_date=date(2024, 1, 1),
        pricing_model="per_contact",
        currency="EUR",
        monthly_fee=Decimal("50000"),
        service_credit_at_risk_percent=Decimal("10"),
        service_credit_cap_percent=Decimal("8"),
        service_credit_allocation={"service_level": 40, "aht": 60},
    )
    TargetFactory(vendor=vendor_a)
    TargetFactory(vendor=vendor_a, kpi=kpi("aht"), target=300, threshold=360)
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 3), value=50, volume=100)  # red
    MeasurementFactory(
        vendor=vendor_a, kpi=kpi("aht"), period_start=date(2025, 3, 3), value=330, volume=100
    )  # amber
    card = scorecard_for(vendor_a.pk, "month", date(2025, 3, 1))
    assert card.credit_at_risk == Decimal("5000.00")
    assert card.credit_earned == Decimal("2000.00")
    assert card.line_for("service_level").credit == Decimal("2000.00")
    assert card.line_for("aht").credit is None
