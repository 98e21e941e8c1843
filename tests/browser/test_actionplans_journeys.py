"""Issue 12 "done when": a partner proposes a plan for a failing KPI, the manager agrees
it, its milestone is reminded, the plan is verified (or failed) from the data, and the
executive sees it on the dashboard — in real Chromium, with screenshots. Then the
vendor's own voice: a dispute the partner raises is answered by the client, and a pause
of the clock is requested, not taken."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from actionplans.models import ActionPlan
from actionplans.reminders import sweep_action_plans
from disputes.models import Dispute
from tests.scorecards.factories import MeasurementFactory, TargetFactory, kpi
from vendorhub.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


def _logout(page):
    page.context.clear_cookies()


@pytest.fixture
def failing_month(vendor_a):
    """Last month's service level at 60 % against 80 %: a red line on the scorecard."""
    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    start = last.replace(day=1)
    TargetFactory(vendor=vendor_a)
    MeasurementFactory(
        vendor=vendor_a,
        period_start=start + timedelta(days=2),
        value=60,
        volume=500,
        supplied_by="client",
    )
    return f"{start:%Y-%m}"


def test_plan_for_a_failing_kpi_from_proposal_to_dashboard(
    page, login, screenshot, check_page, manager, executive, partner_a, vendor_a, failing_month
):
    today = timezone.localdate()
    login(page, partner_a)
    page.goto(f"/scorecards/vendor/{vendor_a.slug}/?period={failing_month}")
    page.click("text=No plan: propose one")
    page.wait_for_selector("h1:has-text('Propose an action plan')")
    assert page.input_value("#id_target_value") == "80.0"
    page.fill("#id_root_cause", "Monday peaks were missing from the forecast.")
    page.fill("#id_description", "Campaign calendar in the forecast; six agents on Mondays.")
    page.fill("#id_measure_from", (today - timedelta(days=7)).isoformat())
    page.fill("#id_due_date", (today + timedelta(days=1)).isoformat())
    check_page(page, "plan-form")
    screenshot(page, "actionplans-propose")
    page.click("button:has-text('Propose the plan')")
    page.wait_for_selector("#plan-status:has-text('Proposed')")
    plan = ActionPlan.objects.get()
    assert (plan.vendor, plan.kpi.code, plan.source) == (vendor_a, "service_level", "scorecard")
    page.fill("#id_title", "Six agents on the Monday roster")
    page.fill("#id_due_date", today.isoformat())
    page.click("button:has-text('Add milestone')")
    page.wait_for_selector("text=Six agents on the Monday roster")
    check_page(page, "plan-partner")
    screenshot(page, "actionplans-detail-partner")

    _logout(page)
    login(page, manager)
    page.goto(plan.get_absolute_url())
    page.fill("#id_plan_note", "Agreed at the weekly review.")
    page.click("button[name=to][value=agreed]")
    page.wait_for_selector("#plan-status:has-text('Agreed')")
    check_page(page, "plan-manager")

    # The milestone is due today: the sweep reminds the vendor's partner, once.
    assert sweep_action_plans(timezone.now()) >= 1
    assert sweep_action_plans(timezone.now()) == 0
    assert Notification.objects.filter(recipient=partner_a, kind="plan.milestone_due").count() == 1

    # The data arrives; the day after the due date the plan is re-measured: on target.
    for offset in range(-1, 8):
        MeasurementFactory(
            vendor=vendor_a,
            period_start=today - timedelta(days=offset),
            value=None,
            volume=None,
            numerator=85,
            denominator=100,
            supplied_by="client",
        )
    day_after_due = datetime.combine(today + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    sweep_action_plans(day_after_due - timedelta(seconds=1))
    plan.refresh_from_db()
    assert plan.measurement == ""  # not before the due date's window is complete
    sweep_action_plans(day_after_due)
    plan.refresh_from_db()
    assert (plan.measurement, plan.measured_value) == ("met", 85.0)
    page.reload()
    page.wait_for_selector("text=Target met: awaiting verification")
    screenshot(page, "actionplans-measured")
    page.click("button[name=to][value=verified]")
    page.wait_for_selector("#plan-status:has-text('Verified')")
    screenshot(page, "actionplans-verified")

    _logout(page)
    login(page, executive)
    page.goto("/scorecards/dashboard/")
    stats = page.locator("#plan-stats").inner_text()
    assert "0 open" in stats and "0 failed" in stats
    assert page.locator("#h-plans").is_visible()
    page.goto(f"/scorecards/vendor/{vendor_a.slug}/?period={failing_month}")
    page.wait_for_selector(f"text=Plan AP-{plan.pk}: verified")
    screenshot(page, "actionplans-scorecard-line")


def test_a_missed_target_fails_the_plan_and_the_executive_sees_it(
    page, login, screenshot, manager, executive, partner_a, vendor_a
):
    from actionplans import services

    today = timezone.localdate()
    plan = services.plan_create(
        by=partner_a,
        vendor=vendor_a,
        title="Back to 80 %",
        kpi=kpi("service_level"),
        target_value=80,
        measure_from=today - timedelta(days=5),
        due_date=today - timedelta(days=1),
    )
    services.plan_transition(plan=plan, to="agreed", by=manager)
    for offset in range(1, 6):
        MeasurementFactory(
            vendor=vendor_a,
            period_start=today - timedelta(days=offset),
            value=None,
            volume=None,
            numerator=70,
            denominator=100,
            supplied_by="client",
        )
    sweep_action_plans(timezone.now())
    plan.refresh_from_db()
    assert plan.status == "failed"
    login(page, executive)
    page.goto("/scorecards/dashboard/")
    assert "1 failed" in page.locator("#plan-stats").inner_text()
    screenshot(page, "actionplans-dashboard-failed")
    page.goto(plan.get_absolute_url())
    page.wait_for_selector("text=Target missed")
    screenshot(page, "actionplans-failed")


def test_vendor_raised_dispute_is_answered_by_the_client(
    page, login, screenshot, check_page, manager, partner_a, vendor_a
):
    login(page, partner_a)
    page.goto("/disputes/new/")
    page.select_option("#id_type", "miscommunication")
    page.fill("#id_title", "Forecast sent two days late")
    page.fill("#id_description", "Three weeks in a row the forecast arrived on Wednesday.")
    page.click("button:has-text('Log dispute')")
    page.wait_for_selector("#dispute-status:has-text('Open')")
    dispute = Dispute.objects.get()
    body = page.content()
    assert "Send response" not in body and "Mark vendor responded" not in body
    page.fill("#id_clock_note", "Waiting for the client's campaign calendar")
    page.click("button:has-text('Request a pause')")
    page.wait_for_selector("text=awaiting the client's decision")
    check_page(page, "dispute-vendor-raised-partner")
    screenshot(page, "disputes-vendor-raised-partner")

    _logout(page)
    login(page, manager)
    page.goto(dispute.get_absolute_url())
    page.click("button[name=to][value=under_review]")
    page.wait_for_selector("#dispute-status:has-text('Under review')")
    page.click("button[name=action][value=grant]")
    page.wait_for_selector("text=Pause granted")
    page.fill(".respond-form #id_body", "We now send the forecast every Monday by 10:00.")
    page.click('button:has-text("Send the client\'s answer")')
    page.wait_for_selector("text=We now send the forecast every Monday")
    page.click("button[name=to][value=resolved]")
    page.wait_for_selector("#dispute-status:has-text('Resolved')")
    check_page(page, "dispute-vendor-raised-manager")
    screenshot(page, "disputes-vendor-raised-manager")
    dispute.refresh_from_db()
    assert dispute.owner == manager

    _logout(page)
    login(page, partner_a)
    page.goto(dispute.get_absolute_url())
    page.click('button:has-text("Acknowledge the client\'s answer and close")')
    page.wait_for_selector("#dispute-status:has-text('Closed')")
    screenshot(page, "disputes-vendor-raised-closed")
