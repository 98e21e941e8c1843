"""Period maths (DESIGN-R2 B): sums per month, finest granularity per month, quarters
over mixed granularities, count-derived KPIs under each abandon treatment.

Every expected figure is computed here from the fixture's own counts.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scorecards.scoring import compute_scorecards
from tests.contracts.factories import ContractFactory
from tests.scorecards.factories import MeasurementFactory, TargetFactory, kpi

pytestmark = pytest.mark.django_db
Q3 = date(2025, 7, 1)


def _card(vendor, kind, start):
    return compute_scorecards([vendor.pk], kind, [start])[(vendor.pk, start)]


def test_a_quarter_of_a_monthly_july_and_a_daily_august_counts_both(api_for, executive, vendor_a):
    csat = kpi("csat")
    # July reported as one monthly figure: 350 satisfied of 500 (70 %).
    MeasurementFactory(
        vendor=vendor_a,
        kpi=csat,
        period_start=date(2025, 7, 1),
        granularity="month",
        numerator=350,
        denominator=500,
    )
    # August reported daily: seven days of 90 satisfied of 100 (90 %).
    for offset in range(7):
        MeasurementFactory(
            vendor=vendor_a,
            kpi=csat,
            period_start=date(2025, 8, 4) + timedelta(days=offset),
            numerator=90,
            denominator=100,
        )
    expected = (350 + 7 * 90) / (500 + 7 * 100) * 100  # 81.667 %
    assert _card(vendor_a, "quarter", Q3).line_for("csat").actual == pytest.approx(expected)
    body = api_for(executive).get("/api/v1/scorecards/?vendor=acme-contact&period=2025-Q3").json()
    line = next(x for x in body["results"][0]["kpis"] if x["kpi"] == "csat")
    assert line["actual"] == pytest.approx(81.667, abs=0.001)
    assert line["actual"] != pytest.approx(90.0)


def test_a_month_reported_daily_and_monthly_uses_its_days_only(vendor_a):
    csat = kpi("csat")
    MeasurementFactory(
        vendor=vendor_a,
        kpi=csat,
        period_start=date(2025, 8, 1),
        granularity="month",
        numerator=10,
        denominator=100,
    )
    MeasurementFactory(
        vendor=vendor_a, kpi=csat, period_start=date(2025, 8, 5), numerator=80, denominator=100
    )
    MeasurementFactory(
        vendor=vendor_a,
        kpi=csat,
        period_start=date(2025, 7, 1),
        granularity="month",
        numerator=60,
        denominator=100,
    )
    # August: its day only (80/100); July: its month (60/100); the quarter adds them.
    assert _card(vendor_a, "month", date(2025, 8, 1)).line_for("csat").actual == pytest.approx(80)
    assert _card(vendor_a, "quarter", Q3).line_for("csat").actual == pytest.approx(70)


def test_weighted_kpis_over_a_quarter_weigh_each_month_by_its_volume(vendor_a):
    aht = kpi("aht")
    MeasurementFactory(
        vendor=vendor_a,
        kpi=aht,
        period_start=date(2025, 7, 1),
        granularity="month",
        value=300,
        volume=1000,
    )
    MeasurementFactory(
        vendor=vendor_a,
        kpi=aht,
        period_start=date(2025, 8, 4),
        granularity="week",
        value=420,
        volume=250,
    )
    expected = (300 * 1000 + 420 * 250) / 1250
    assert _card(vendor_a, "quarter", Q3).line_for("aht").actual == pytest.approx(expected)


# Three days of one queue's counts: answered, in threshold, abandoned, short abandons.
DAYS = [
    (date(2025, 3, 3), 400, 330, 30, 10),
    (date(2025, 3, 4), 380, 250, 50, 5),
    (date(2025, 3, 5), 450, 420, 12, 12),
]


def _counts(vendor, code, **fields):
    for day, answered, in_threshold, abandoned, short in DAYS:
        counts = {
            "service_level": {
                "answered": answered,
                "answered_in_threshold": in_threshold,
                "abandoned": abandoned,
                "short_abandoned": short,
                "offered": answered + abandoned,
            },
            "abandonment_rate": {
                "answered": answered,
                "abandoned": abandoned,
                "short_abandoned": short,
            },
        }[code]
        MeasurementFactory(
            vendor=vendor,
            kpi=kpi(code),
            period_start=day,
            value=None,
            volume=None,
            **counts,
            **fields,
        )


ANSWERED = sum(d[1] for d in DAYS)
IN_THRESHOLD = sum(d[2] for d in DAYS)
LONG_ABANDONS = sum(d[3] - d[4] for d in DAYS)


@pytest.mark.parametrize(
    ("treatment", "expected"),
    [
        ("count_against", IN_THRESHOLD / (ANSWERED + LONG_ABANDONS) * 100),
        ("exclude", IN_THRESHOLD / ANSWERED * 100),
        ("count_for", (IN_THRESHOLD + LONG_ABANDONS) / (ANSWERED + LONG_ABANDONS) * 100),
    ],
)
def test_service_level_and_abandonment_follow_the_contracts_treatment(
    vendor_a, api_for, executive, treatment, expected
):
    contract = ContractFactory(vendor=vendor_a, abandon_treatment=treatment)
    _counts(vendor_a, "service_level")
    _counts(vendor_a, "abandonment_rate")
    TargetFactory(vendor=vendor_a, kpi=kpi("service_level"), contract=contract)
    body = api_for(executive).get("/api/v1/scorecards/?vendor=acme-contact&period=2025-03").json()
    lines = {x["kpi"]: x for x in body["results"][0]["kpis"]}
    assert lines["service_level"]["actual"] == pytest.approx(expected, abs=0.0005)
    # Abandonment never depends on the treatment: short abandons never count.
    assert lines["abandonment_rate"]["actual"] == pytest.approx(
        LONG_ABANDONS / (ANSWERED + LONG_ABANDONS) * 100, abs=0.0005
    )
    assert lines["service_level"]["definition"] == {
        "threshold_seconds": 20,
        "abandon_treatment": treatment,
        "short_abandon_seconds": 5,
        "source": "contract",
        "contract": contract.reference,
    }


def test_changing_the_definition_changes_the_unpublished_period_at_once(
    client_for, manager, vendor_a
):
    contract = ContractFactory(vendor=vendor_a)
    _counts(vendor_a, "service_level")
    march = date(2025, 3, 1)
    before = _card(vendor_a, "month", march).line_for("service_level").actual
    assert before == pytest.approx(IN_THRESHOLD / (ANSWERED + LONG_ABANDONS) * 100)
    response = client_for(manager).post(
        f"/contracts/{contract.pk}/edit/",
        {
            "vendor": vendor_a.pk,
            "reference": contract.reference,
            "title": contract.title,
            "status": "active",
            "effective_date": "2024-01-01",
            "end_date": "2026-12-31",
            "renewal_notice_days": "90",
            "termination_notice_days": "90",
            "pricing_model": "per_minute",
            "currency": "EUR",
            "monthly_fee": "100000",
            "service_credit_at_risk_percent": "10",
            "service_credit_cap_percent": "15",
            "service_credit_allocation": "{}",
            "service_level_threshold_seconds": "20",
            "abandon_treatment": "exclude",
            "short_abandon_seconds": "5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    after = _card(vendor_a, "month", march).line_for("service_level").actual
    assert after == pytest.approx(IN_THRESHOLD / ANSWERED * 100)
    # The stored convenience value of each day followed too.
    from scorecards.models import Measurement

    first = Measurement.objects.get(vendor=vendor_a, period_start=DAYS[0][0])
    assert first.value == pytest.approx(330 / 400 * 100)


def test_counts_at_another_threshold_are_flagged_not_silently_mixed(
    vendor_a, client_for, executive
):
    ContractFactory(vendor=vendor_a, service_level_threshold_seconds=20)
    _counts(vendor_a, "service_level", threshold_seconds=30)
    line = _card(vendor_a, "month", date(2025, 3, 1)).line_for("service_level")
    assert line.threshold_mismatch and line.other_thresholds == [30]
    assert line.as_dict()["measured_thresholds"] == [30]
    html = client_for(executive).get("/scorecards/vendor/acme-contact/?period=2025-03").content
    assert "counted at 30 s, not the contract's 20 s" in html.decode()


def test_the_scorecard_page_says_which_definition_applies(vendor_a, client_for, partner_a):
    _counts(vendor_a, "service_level")
    html = client_for(partner_a).get("/scorecards/vendor/acme-contact/?period=2025-03")
    text = html.content.decode()
    assert "Default definition (no contract applies)" in text
    contract = ContractFactory(vendor=vendor_a, short_abandon_seconds=3)
    text = client_for(partner_a).get("/scorecards/vendor/acme-contact/?period=2025-03")
    text = text.content.decode()
    assert f"Contract {contract.reference}: answered within 20 s" in text
    assert "abandons within 3 s ignored" in text


def test_scorecards_of_many_vendors_and_periods_take_constant_queries(
    django_assert_max_num_queries, vendor_a, vendor_b
):
    from tests.factories import VendorFactory

    vendors = [vendor_a, vendor_b, *VendorFactory.create_batch(5)]
    for vendor in vendors:
        _counts(vendor, "service_level")
        TargetFactory(vendor=vendor, kpi=kpi("service_level"))
    starts = [date(2024, m, 1) for m in range(1, 13)] + [date(2025, m, 1) for m in (1, 2, 3)]
    with django_assert_max_num_queries(6):
        cards = compute_scorecards([v.pk for v in vendors], "month", starts)
    assert len(cards) == len(vendors) * len(starts)
