"""Re-measurement on the due date, through the reminder sweep, against oracles computed
here from the fixture's own numbers; the due-date boundary; cure periods; no data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from actionplans.models import ActionPlan, PlanEvent
from actionplans.reminders import sweep_action_plans
from tests.actionplans.factories import agree, make_plan
from tests.scorecards.factories import MeasurementFactory, kpi
from vendorhub.models import Notification

pytestmark = pytest.mark.django_db

MEASURE_FROM = date(2025, 3, 10)
DUE = date(2025, 3, 16)
# The instant the window is complete: midnight UTC after the due date.
BOUNDARY = datetime(2025, 3, 17, tzinfo=UTC)
TICK = timedelta(microseconds=1)


def _service_level_days(vendor, rows: dict[date, tuple[int, int]]) -> None:
    for day, (numerator, denominator) in rows.items():
        MeasurementFactory(
            vendor=vendor, period_start=day, numerator=numerator, denominator=denominator
        )


def _oracle(rows: dict[date, tuple[int, int]], start: date, end: date) -> float:
    inside = [(n, d) for day, (n, d) in rows.items() if start <= day <= end]
    return sum(n for n, _d in inside) / sum(d for _n, d in inside) * 100


def _plan(vendor, partner, manager, *, target="80", cure=0, code="service_level") -> ActionPlan:
    plan = make_plan(
        vendor=vendor,
        by=partner,
        kpi=kpi(code),
        target_value=Decimal(target),
        measure_from=MEASURE_FROM,
        due_date=DUE,
        cure_period_days=cure,
    )
    return agree(plan, manager)


def _rows_around_the_window(good: bool) -> dict[date, tuple[int, int]]:
    """Seven days inside the window, and a terrible day on each side of it that the
    re-measurement must leave out."""
    inside = {MEASURE_FROM + timedelta(days=i): (83 if good else 70, 100) for i in range(7)}
    inside[DUE] = (79, 100)
    return {
        MEASURE_FROM - timedelta(days=1): (5, 100),
        **inside,
        DUE + timedelta(days=1): (5, 100),
    }


def test_nothing_happens_before_the_window_is_complete(vendor_a, partner_a, manager):
    _service_level_days(vendor_a, _rows_around_the_window(good=True))
    plan = _plan(vendor_a, partner_a, manager)
    assert sweep_action_plans(BOUNDARY - TICK) == 0
    plan.refresh_from_db()
    assert (plan.measurement, plan.measured_value, plan.status) == ("", None, "agreed")


def test_target_met_at_the_boundary_is_proposed_for_verification_once(vendor_a, partner_a, manager):
    rows = _rows_around_the_window(good=True)
    _service_level_days(vendor_a, rows)
    plan = _plan(vendor_a, partner_a, manager)
    sweep_action_plans(BOUNDARY)
    plan.refresh_from_db()
    expected = _oracle(rows, MEASURE_FROM, DUE)
    assert expected == pytest.approx((83 * 6 + 79) / 700 * 100)
    assert plan.measured_value == pytest.approx(expected)
    assert plan.measurement == "met"
    assert plan.status == "agreed"  # a manager verifies; the data only proposes it
    assert plan.awaiting_verification
    assert plan.measured_for == DUE
    # A second and a third run change nothing and tell nobody again.
    told = Notification.objects.filter(kind="plan_measured").count()
    sweep_action_plans(BOUNDARY + timedelta(hours=1))
    sweep_action_plans(BOUNDARY + timedelta(days=3))
    assert PlanEvent.objects.filter(plan=plan, kind="measurement").count() == 1
    assert Notification.objects.filter(kind="plan_measured").count() == told >= 1


def test_target_missed_without_cure_fails_the_plan(vendor_a, partner_a, manager, client_for):
    rows = _rows_around_the_window(good=False)
    _service_level_days(vendor_a, rows)
    plan = _plan(vendor_a, partner_a, manager)
    sweep_action_plans(BOUNDARY)
    plan.refresh_from_db()
    assert plan.measured_value == pytest.approx(_oracle(rows, MEASURE_FROM, DUE))
    assert (plan.measurement, plan.status) == ("missed", "failed")
    last = plan.events.filter(kind="status").order_by("id").last()
    assert (last.author, last.to_status) == (None, "failed")
    body = client_for(partner_a).get(plan.get_absolute_url()).content.decode()
    assert "Target missed" in body


def test_exactly_on_target_counts_as_met(vendor_a, partner_a, manager):
    _service_level_days(vendor_a, {MEASURE_FROM + timedelta(days=i): (80, 100) for i in range(7)})
    plan = _plan(vendor_a, partner_a, manager)
    sweep_action_plans(BOUNDARY)
    plan.refresh_from_db()
    assert plan.measurement == "met"


def test_lower_is_better_kpis_compare_the_other_way(vendor_a, partner_a, manager):
    rows = {MEASURE_FROM: (30.0, 100), MEASURE_FROM + timedelta(days=1): (12.0, 300)}
    for day, (value, volume) in rows.items():
        MeasurementFactory(
            vendor=vendor_a, kpi=kpi("asa"), period_start=day, value=value, volume=volume
        )
    oracle = sum(v * w for v, w in rows.values()) / sum(w for _v, w in rows.values())
    assert oracle == pytest.approx(16.5)
    plan = _plan(vendor_a, partner_a, manager, target="20", code="asa")
    sweep_action_plans(BOUNDARY)
    plan.refresh_from_db()
    assert plan.measured_value == pytest.approx(oracle)
    assert plan.measurement == "met"
    other = _plan(vendor_a, partner_a, manager, target="15", code="asa")
    sweep_action_plans(BOUNDARY)
    other.refresh_from_db()
    assert (other.measurement, other.status) == ("missed", "failed")


def test_a_cure_period_measures_the_cure_days_at_its_end(vendor_a, partner_a, manager):
    rows = _rows_around_the_window(good=False)
    cure_days = {DUE + timedelta(days=i): (85, 100) for i in range(2, 6)}
    rows.update(cure_days)  # the bad day after the due date is a cure day too
    _service_level_days(vendor_a, {**rows})
    plan = _plan(vendor_a, partner_a, manager, cure=5)
    sweep_action_plans(BOUNDARY)
    plan.refresh_from_db()
    assert (plan.measurement, plan.status) == ("missed", "agreed")
    assert plan.cure_until == DUE + timedelta(days=5)
    assert plan.is_overdue(DUE + timedelta(days=3)) is False
    cure_end = datetime(2025, 3, 22, tzinfo=UTC)
    sweep_action_plans(cure_end - TICK)
    plan.refresh_from_db()
    assert plan.measured_for == DUE
    sweep_action_plans(cure_end)
    plan.refresh_from_db()
    oracle = _oracle(rows, DUE + timedelta(days=1), DUE + timedelta(days=5))
    assert oracle == pytest.approx((5 + 85 * 4) / 500 * 100)
    assert plan.measured_value == pytest.approx(oracle)
    assert (plan.measurement, plan.status) == ("missed", "failed")


def test_cure_met_is_proposed_for_verification(vendor_a, partner_a, manager):
    rows = _rows_around_the_window(good=False)
    del rows[DUE + timedelta(days=1)]
    rows.update({DUE + timedelta(days=i): (90, 100) for i in range(1, 4)})
    _service_level_days(vendor_a, rows)
    plan = _plan(vendor_a, partner_a, manager, cure=3)
    sweep_action_plans(BOUNDARY)
    sweep_action_plans(datetime(2025, 3, 20, tzinfo=UTC))
    plan.refresh_from_db()
    assert (plan.measurement, plan.status, plan.measured_value) == ("met", "agreed", 90.0)


def test_no_data_is_said_once_and_late_data_is_measured(vendor_a, partner_a, manager):
    plan = _plan(vendor_a, partner_a, manager)
    sweep_action_plans(BOUNDARY)
    sweep_action_plans(BOUNDARY + timedelta(hours=6))
    plan.refresh_from_db()
    assert (plan.measurement, plan.status) == ("no_data", "agreed")
    assert plan.events.filter(kind="measurement").count() == 1
    rows = _rows_around_the_window(good=True)
    _service_level_days(vendor_a, rows)
    sweep_action_plans(BOUNDARY + timedelta(days=1))
    plan.refresh_from_db()
    assert plan.measurement == "met"
    assert plan.measured_value == pytest.approx(_oracle(rows, MEASURE_FROM, DUE))


def test_proposed_verified_and_cancelled_plans_are_not_measured(vendor_a, partner_a, manager):
    _service_level_days(vendor_a, _rows_around_the_window(good=False))
    proposed = make_plan(
        vendor=vendor_a,
        by=partner_a,
        kpi=kpi("service_level"),
        measure_from=MEASURE_FROM,
        due_date=DUE,
    )
    sweep_action_plans(BOUNDARY)
    proposed.refresh_from_db()
    assert (proposed.measurement, proposed.status) == ("", "proposed")
