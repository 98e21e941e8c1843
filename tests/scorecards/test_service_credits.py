"""Service credits per contract and currency (SPEC section 6 "Money", issue 11).

The figures are checked against an oracle written here, independently of
``scorecards.credits``: hand-computed amounts for readable cases, and for awkward
amounts the properties the rule promises (the lines add up to the contract's earned
credit to the cent, and each line is within a cent of its exact pro-rata share).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from scorecards.credits import apportion, credit_for_month
from scorecards.scoring import compute_scorecards, scorecard_for
from tests.contracts.factories import ContractFactory
from tests.scorecards.factories import MeasurementFactory, TargetFactory, kpi

pytestmark = pytest.mark.django_db
MARCH = date(2025, 3, 1)
Q1 = date(2025, 1, 1)


def _usd(vendor, **kwargs):
    """10 % of 100,000 USD at risk, no cap; service level 50 %, AHT 30 %."""
    return ContractFactory(
        vendor=vendor,
        reference=kwargs.pop("reference", "MSA-USD"),
        currency="USD",
        monthly_fee=Decimal("100000"),
        service_credit_at_risk_percent=Decimal("10"),
        service_credit_cap_percent=Decimal("0"),
        service_credit_allocation={"service_level": 50, "aht": 30},
        **kwargs,
    )


def _eur(vendor, **kwargs):
    """10 % of 40,000 EUR at risk, capped at 7.5 % (3,000 EUR); CSAT 62.5 %, FCR 37.5 %."""
    return ContractFactory(
        vendor=vendor,
        reference=kwargs.pop("reference", "SOW-EUR"),
        currency="EUR",
        monthly_fee=Decimal("40000"),
        service_credit_at_risk_percent=Decimal("10"),
        service_credit_cap_percent=Decimal("7.5"),
        service_credit_allocation={"csat": 62.5, "fcr": 37.5, "service_level": 50},
        **kwargs,
    )


def _red(vendor, code: str, day: date) -> None:
    """A measurement that misses the red line of the target ``_target`` sets."""
    value = 400.0 if code == "aht" else 50.0
    MeasurementFactory(vendor=vendor, kpi=kpi(code), period_start=day, value=value, volume=100)


def _green(vendor, code: str, day: date) -> None:
    value = 250.0 if code == "aht" else 95.0
    MeasurementFactory(vendor=vendor, kpi=kpi(code), period_start=day, value=value, volume=100)


def _target(vendor, code: str, contract=None):
    if code == "aht":
        return TargetFactory(
            vendor=vendor, kpi=kpi("aht"), target=300, threshold=360, contract=contract
        )
    return TargetFactory(vendor=vendor, kpi=kpi(code), target=80, threshold=70, contract=contract)


@pytest.fixture
def two_contracts(vendor_a):
    """Acme: a USD MSA and a EUR SOW. Service level is the MSA's, CSAT and FCR the
    SOW's; AHT's target names no contract (two candidates: ambiguous)."""
    usd, eur = _usd(vendor_a), _eur(vendor_a)
    _target(vendor_a, "service_level", usd)
    _target(vendor_a, "csat", eur)
    _target(vendor_a, "fcr", eur)
    _target(vendor_a, "aht")
    for code in ("service_level", "csat", "fcr", "aht"):
        _red(vendor_a, code, date(2025, 3, 3))
    return usd, eur


# --- The arithmetic -------------------------------------------------------------------


def test_credit_is_the_allocated_share_of_the_amount_at_risk():
    result = credit_for_month(
        monthly_fee=Decimal("100000"),
        at_risk_percent=Decimal("10"),
        cap_percent=Decimal("0"),
        allocation={"service_level": 50, "aht": 20},
        missed=["service_level"],
    )
    assert (result.at_risk, result.before_cap, result.earned, result.cap) == (
        Decimal("10000.00"),
        Decimal("5000.00"),
        Decimal("5000.00"),
        None,
    )
    assert result.lines == {"service_level": Decimal("5000.00")}


def test_a_binding_cap_is_shared_pro_rata_between_the_lines():
    result = credit_for_month(
        monthly_fee=Decimal("40000"),
        at_risk_percent=Decimal("10"),
        cap_percent=Decimal("7.5"),
        allocation={"csat": 62.5, "fcr": 37.5},
        missed=["csat", "fcr"],
    )
    # 2,500 + 1,500 = 4,000 before the cap; the cap is 3,000: 3/4 of each line.
    assert (result.before_cap, result.earned) == (Decimal("4000.00"), Decimal("3000.00"))
    assert result.lines == {"csat": Decimal("1875.00"), "fcr": Decimal("1125.00")}


@pytest.mark.parametrize(
    ("fee", "at_risk", "cap", "allocation"),
    [
        ("33333.33", "10", "7", {"service_level": 33.33, "aht": 33.33, "csat": 33.34}),
        ("1000.01", "9.99", "3", {"service_level": 10, "aht": 10, "csat": 10}),
        ("77777.77", "12.5", "0", {"service_level": 33.3, "aht": 33.3, "csat": 33.3}),
        ("0.07", "100", "50", {"service_level": 40, "aht": 35, "csat": 25}),
    ],
)
def test_lines_add_up_to_the_earned_credit_to_the_cent(fee, at_risk, cap, allocation):
    result = credit_for_month(
        monthly_fee=Decimal(fee),
        at_risk_percent=Decimal(at_risk),
        cap_percent=Decimal(cap),
        allocation=allocation,
        missed=list(allocation),
    )

    # Oracle, with exact fractions: at risk and cap rounded half-up to the cent.
    def half_up(x: Fraction) -> Fraction:
        return Fraction(int(x * 100 + Fraction(1, 2)), 100)

    risk = half_up(Fraction(fee) * Fraction(at_risk) / 100)
    shares = {code: risk * Fraction(str(p)) / 100 for code, p in allocation.items()}
    before = half_up(sum(shares.values()))
    earned = min(before, half_up(Fraction(fee) * Fraction(cap) / 100)) if Fraction(cap) else before
    assert result.at_risk == Decimal(risk.numerator) / risk.denominator
    assert Fraction(result.earned) == earned
    assert sum(result.lines.values(), Decimal("0")) == result.earned
    for code, share in shares.items():
        exact = earned * share / sum(shares.values())
        assert abs(Fraction(result.lines[code]) - exact) < Fraction(1, 100)


def test_apportion_gives_left_over_cents_to_the_largest_remainders():
    assert apportion(Decimal("0.10"), [Decimal(1)] * 3) == [
        Decimal("0.04"),
        Decimal("0.03"),
        Decimal("0.03"),
    ]
    assert apportion(Decimal("1.00"), [Decimal(1), Decimal(2)]) == [
        Decimal("0.33"),
        Decimal("0.67"),
    ]


# --- Which contract a line is charged under ---------------------------------------------


def test_a_line_earns_only_under_the_contract_its_target_names(vendor_a, two_contracts):
    card = scorecard_for(vendor_a.pk, "month", MARCH)
    sl = card.line_for("service_level")
    # Issue 11: the SOW also allocates service level, yet 5,000 USD is due, not also EUR.
    assert (sl.credit, sl.credit_currency, sl.credit_contract) == (
        Decimal("5000.00"),
        "USD",
        "MSA-USD",
    )
    credits = {c.reference: c for c in card.credits}
    assert (credits["MSA-USD"].at_risk, credits["MSA-USD"].earned) == (
        Decimal("10000.00"),
        Decimal("5000.00"),
    )
    # The SOW's lines: 2,500 + 1,500 before the cap of 3,000 EUR, shared pro rata.
    assert (credits["SOW-EUR"].before_cap, credits["SOW-EUR"].earned) == (
        Decimal("4000.00"),
        Decimal("3000.00"),
    )
    assert card.line_for("csat").credit == Decimal("1875.00")
    assert card.line_for("fcr").credit == Decimal("1125.00")
    for credit in card.credits:
        lines = [x.credit for x in card.lines if x.credit_contract == credit.reference]
        assert sum((c for c in lines if c is not None), Decimal("0")) == credit.earned


def test_a_target_without_contract_and_several_candidates_earns_nothing_and_says_why(
    vendor_a, two_contracts
):
    aht = scorecard_for(vendor_a.pk, "month", MARCH).line_for("aht")
    assert aht.rag == "red"
    assert aht.credit is None and aht.credit_contract is None
    assert "MSA-USD, SOW-EUR" in aht.credit_note
    assert "name the contract on the target" in aht.credit_note


def test_a_target_without_contract_uses_the_single_contract_with_credit_terms(vendor_b):
    usd = _usd(vendor_b, reference="MSA-B")
    ContractFactory(vendor=vendor_b, reference="NDA-B", monthly_fee=None)  # no terms
    ContractFactory(vendor=vendor_b, reference="OLD-B", status="draft")  # never earns
    _target(vendor_b, "aht")
    _red(vendor_b, "aht", date(2025, 3, 10))
    card = scorecard_for(vendor_b.pk, "month", MARCH)
    assert [c.reference for c in card.credits] == [usd.reference]
    assert card.line_for("aht").credit == Decimal("3000.00")
    assert card.line_for("aht").credit_currency == "USD"


def test_a_named_contract_without_credit_terms_earns_nothing_and_says_why(vendor_b):
    _usd(vendor_b, reference="MSA-B")
    nda = ContractFactory(vendor=vendor_b, reference="NDA-B", monthly_fee=None)
    _target(vendor_b, "service_level", nda)
    _red(vendor_b, "service_level", date(2025, 3, 10))
    line = scorecard_for(vendor_b.pk, "month", MARCH).line_for("service_level")
    assert line.credit is None
    assert line.credit_note == "NDA-B has no service-credit terms."


def test_an_expired_contract_keeps_the_credits_of_the_months_it_covered(vendor_b):
    _usd(vendor_b, reference="MSA-B", status="expired", end_date=date(2025, 3, 31))
    _target(vendor_b, "service_level")
    _red(vendor_b, "service_level", date(2025, 3, 10))
    _red(vendor_b, "service_level", date(2025, 4, 10))
    cards = compute_scorecards([vendor_b.pk], "month", [MARCH, date(2025, 4, 1)])
    assert cards[(vendor_b.pk, MARCH)].line_for("service_level").credit == Decimal("5000.00")
    assert cards[(vendor_b.pk, date(2025, 4, 1))].credits == []


def test_currencies_are_never_added(vendor_a, two_contracts):
    card = scorecard_for(vendor_a.pk, "month", MARCH)
    totals = {t.currency: t.earned for t in card.credit_totals}
    assert totals == {"EUR": Decimal("3000.00"), "USD": Decimal("5000.00")}


# --- A quarter is the sum of its months -----------------------------------------------------


def test_a_quarter_is_the_sum_of_its_months(vendor_a):
    usd, eur = _usd(vendor_a), _eur(vendor_a)
    _target(vendor_a, "service_level", usd)
    _target(vendor_a, "csat", eur)
    _red(vendor_a, "service_level", date(2025, 1, 6))  # Jan: 5,000 USD
    _green(vendor_a, "service_level", date(2025, 2, 6))  # Feb: none
    _red(vendor_a, "service_level", date(2025, 3, 6))  # Mar: 5,000 USD
    _red(vendor_a, "csat", date(2025, 2, 6))  # Feb: 2,500 EUR (under the 3,000 cap)
    _green(vendor_a, "csat", date(2025, 1, 6))
    _green(vendor_a, "csat", date(2025, 3, 6))
    quarter = scorecard_for(vendor_a.pk, "quarter", Q1)
    credits = {c.reference: c for c in quarter.credits}
    assert (credits["MSA-USD"].at_risk, credits["MSA-USD"].earned) == (
        Decimal("30000.00"),
        Decimal("10000.00"),
    )
    assert (credits["SOW-EUR"].at_risk, credits["SOW-EUR"].earned) == (
        Decimal("12000.00"),
        Decimal("2500.00"),
    )
    # The quarter's own service level is amber or green, but the months' credits stand.
    assert quarter.line_for("service_level").credit == Decimal("10000.00")
    assert quarter.line_for("csat").credit == Decimal("2500.00")
    assert [label for label, _ in quarter.credit_months] == ["2025-01", "2025-02", "2025-03"]


# --- Where the figures are shown ---------------------------------------------------------


def test_scorecard_api_carries_the_public_credit_fields(api_for, manager, vendor_a, two_contracts):
    body = (
        api_for(manager)
        .get("/api/v1/scorecards/", {"vendor": vendor_a.slug, "period": "2025-03"})
        .json()
    )
    card = (body["results"] if isinstance(body, dict) else body)[0]
    lines = {x["kpi"]: x for x in card["kpis"]}
    assert {
        k: lines["service_level"][k] for k in ("credit", "credit_currency", "credit_contract")
    } == {
        "credit": "5000.00",
        "credit_currency": "USD",
        "credit_contract": "MSA-USD",
    }
    assert lines["aht"]["credit"] is None and lines["aht"]["credit_note"]
    assert card["credits"] == [
        {
            "contract": "MSA-USD",
            "currency": "USD",
            "at_risk": "10000.00",
            "before_cap": "5000.00",
            "earned": "5000.00",
        },
        {
            "contract": "SOW-EUR",
            "currency": "EUR",
            "at_risk": "4000.00",
            "before_cap": "4000.00",
            "earned": "3000.00",
        },
    ]


def test_partner_sees_own_credits_but_not_another_vendors(
    api_for, partner_a, partner_b, vendor_a, two_contracts
):
    params = {"vendor": vendor_a.slug, "period": "2025-03"}
    assert api_for(partner_a).get("/api/v1/scorecards/", params).status_code == 200
    assert api_for(partner_b).get("/api/v1/scorecards/", params).status_code == 404


def test_pages_show_one_total_per_currency(client_for, manager, vendor_a, two_contracts):
    client = client_for(manager)
    dashboard = client.get("/scorecards/dashboard/?period=2025-03").content.decode()
    tile = dashboard[dashboard.index('id="credit-totals"') :][:600]
    assert '3,000.00</strong> <span class="small">EUR' in tile
    assert '5,000.00</strong> <span class="small">USD' in tile
    assert "8,000" not in dashboard
    page = client.get(f"/scorecards/vendor/{vendor_a.slug}/?period=2025-03").content.decode()
    assert "1,875.00 EUR" in page and "1,125.00 EUR" in page and "5,000.00 USD" in page
    assert "name the contract on the target" in page
    assert "8,000" not in page


def test_vendor_page_shows_credits_per_contract(client_for, manager, vendor_a, two_contracts):
    page = client_for(manager).get(f"/vendors/{vendor_a.slug}/").content.decode()
    section = page[page.index('id="vendor-credits"') :][:900]
    assert "MSA-USD" in section and "SOW-EUR" in section
    assert "currencies are never added" in section


def test_dashboard_csv_has_one_pair_of_credit_columns_per_currency(
    client_for, executive, vendor_a, two_contracts
):
    response = client_for(executive).get("/scorecards/dashboard/export.csv?period=2025-03")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert "credit_earned" not in rows[0]
    assert (rows[0]["credit_earned_EUR"], rows[0]["credit_earned_USD"]) == ("3000.00", "5000.00")
    assert (rows[0]["credit_at_risk_EUR"], rows[0]["credit_at_risk_USD"]) == ("4000.00", "10000.00")


def test_published_scorecard_freezes_the_credits(client_for, manager, vendor_a, two_contracts):
    from scorecards.services import scorecard_publish

    published = scorecard_publish(
        vendor=vendor_a, period_kind="month", period_start=MARCH, by=manager
    )
    eur = ContractFactory._meta.model.objects.get(reference="SOW-EUR")
    eur.service_credit_cap_percent = Decimal("0")
    eur.save()
    published.refresh_from_db()
    frozen = {c["contract"]: c["earned"] for c in published.snapshot["credits"]}
    assert frozen == {"MSA-USD": "5000.00", "SOW-EUR": "3000.00"}
    live = scorecard_for(vendor_a.pk, "month", MARCH)
    assert {c.reference: c.earned for c in live.credits}["SOW-EUR"] == Decimal("4000.00")
    page = client_for(manager).get(published.get_absolute_url()).content.decode()
    assert "3,000.00" in page


def test_dashboard_with_credits_has_a_bounded_query_count(
    client_for, executive, django_assert_max_num_queries
):
    from tests.factories import VendorFactory

    def vendors(n: int, offset: int) -> None:
        for i in range(offset, offset + n):
            vendor = VendorFactory(slug=f"credit-{i}")
            usd, eur = _usd(vendor, reference=f"U-{i}"), _eur(vendor, reference=f"E-{i}")
            _target(vendor, "service_level", usd)
            _target(vendor, "csat", eur)
            _target(vendor, "aht")
            for code in ("service_level", "csat", "aht"):
                _red(vendor, code, date(2025, 3, 3))

    vendors(2, 0)
    client = client_for(executive)
    for offset, url in (
        (100, "/scorecards/dashboard/?period=2025-03"),
        (200, "/scorecards/dashboard/?period=2025-Q1"),
    ):
        with django_assert_max_num_queries(25) as small:
            assert client.get(url).status_code == 200
        vendors(6, offset)
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert client.get(url).status_code == 200
