"""Plans where they matter: scorecard lines (``plan``), the vendor page and the
executive dashboard (open / overdue / failed), the next meeting's agenda (overdue
milestones) and the dispute page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from actionplans import services
from meetings.models import AgendaItem
from tests.actionplans.factories import agree, make_plan
from tests.meetings.factories import MeetingFactory
from tests.scorecards.factories import MeasurementFactory, TargetFactory, kpi

pytestmark = pytest.mark.django_db
SCORECARD = "/api/v1/scorecards/?vendor=acme-contact&period=2025-03"


def _lines(api):
    data = api.get(SCORECARD).json()["results"][0]
    return {line["kpi"]: line for line in data["kpis"]}


def test_a_failing_line_says_whether_a_plan_covers_it(
    api_for, client_for, manager, partner_a, vendor_a, vendor_b
):
    TargetFactory(vendor=vendor_a)
    TargetFactory(vendor=vendor_a, kpi=kpi("csat"), target=85, threshold=75)
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 3), value=60, volume=100)
    MeasurementFactory(
        vendor=vendor_a, kpi=kpi("csat"), period_start=date(2025, 3, 3), value=60, volume=100
    )
    lines = _lines(api_for(manager))
    assert lines["service_level"]["plan"] is None and lines["csat"]["plan"] is None
    # Proposed in April, due in May: it answers March's failing service level.
    plan = make_plan(
        vendor=vendor_a,
        by=partner_a,
        kpi=kpi("service_level"),
        due_date=date(2025, 5, 31),
        now=datetime(2025, 4, 4, tzinfo=UTC),
    )
    make_plan(
        vendor=vendor_b,
        by=manager,
        kpi=kpi("csat"),
        due_date=date(2025, 5, 31),
        now=datetime(2025, 4, 4, tzinfo=UTC),
    )
    lines = _lines(api_for(partner_a))
    assert lines["service_level"]["plan"] == {"id": plan.pk, "status": "proposed"}
    assert lines["csat"]["plan"] is None  # another vendor's plan covers nothing here
    agree(plan, manager)
    assert _lines(api_for(manager))["service_level"]["plan"]["status"] == "agreed"
    page = client_for(partner_a).get("/scorecards/vendor/acme-contact/?period=2025-03")
    body = page.content.decode()
    assert f"Plan AP-{plan.pk}: agreed" in body
    assert "No plan: propose one" in body and "kpi=csat" in body


def test_cancelled_plans_and_plans_for_other_periods_cover_nothing(api_for, manager, vendor_a):
    TargetFactory(vendor=vendor_a)
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 3), value=60, volume=100)
    ended = make_plan(
        vendor=vendor_a,
        by=manager,
        kpi=kpi("service_level"),
        due_date=date(2025, 2, 20),
        now=datetime(2025, 1, 5, tzinfo=UTC),
    )
    late = make_plan(
        vendor=vendor_a,
        by=manager,
        kpi=kpi("service_level"),
        due_date=date(2025, 12, 1),
        now=datetime(2025, 9, 1, tzinfo=UTC),
    )
    cancelled = make_plan(
        vendor=vendor_a,
        by=manager,
        kpi=kpi("service_level"),
        due_date=date(2025, 5, 1),
        now=datetime(2025, 4, 1, tzinfo=UTC),
    )
    services.plan_transition(plan=cancelled, to="cancelled", by=manager)
    assert ended.pk and late.pk
    assert _lines(api_for(manager))["service_level"]["plan"] is None


def test_vendor_page_and_dashboard_count_open_overdue_and_failed(
    client_for, manager, executive, partner_a, vendor_a, vendor_b, django_assert_max_num_queries
):
    today = timezone.localdate()
    make_plan(vendor=vendor_a, by=partner_a)  # open
    late = make_plan(vendor=vendor_a, by=partner_a, due_date=today + timedelta(days=1))
    late.due_date = today - timedelta(days=2)
    late.save(update_fields=["due_date"])  # overdue (and open)
    failed = agree(make_plan(vendor=vendor_a, by=partner_a), manager)
    services.plan_transition(plan=failed, to="failed", by=manager)
    make_plan(vendor=vendor_b, by=manager)
    body = client_for(partner_a).get(vendor_a.get_absolute_url()).content.decode()
    assert "<strong>2</strong> open" in body
    assert "<strong>1</strong> overdue" in body and "<strong>1</strong> failed" in body
    client = client_for(executive)
    client.get("/scorecards/dashboard/")  # warm caches
    make_plan(vendor=vendor_b, by=manager, title="One more")
    with django_assert_max_num_queries(60):
        body = client.get("/scorecards/dashboard/").content.decode()
    assert "4 open" in body and "1 overdue · 1 failed" in body


def test_next_meeting_proposes_overdue_milestones_in_one_click(
    client_for, manager, partner_a, vendor_a, vendor_b
):
    today = timezone.localdate()
    plan = agree(make_plan(vendor=vendor_a, by=partner_a), manager)
    late = services.milestone_add(
        plan=plan, by=partner_a, title="Hire six agents", due_date=today + timedelta(days=1)
    )
    type(late).objects.filter(pk=late.pk).update(due_date=today - timedelta(days=3))
    services.milestone_add(
        plan=plan, by=partner_a, title="Not yet due", due_date=today + timedelta(days=5)
    )
    other = make_plan(vendor=vendor_b, by=manager)
    foreign = services.milestone_add(
        plan=other, by=manager, title="Borealis step", due_date=today + timedelta(days=1)
    )
    type(foreign).objects.filter(pk=foreign.pk).update(due_date=today - timedelta(days=3))
    meeting = MeetingFactory(
        vendor=vendor_a, organiser=manager, start=datetime.now(UTC) + timedelta(days=2)
    )
    client = client_for(manager)
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"Overdue milestone ({plan.reference}): Hire six agents" in html
    assert "Not yet due" not in html and "Borealis step" not in html
    client.post(f"/meetings/{meeting.pk}/agenda/suggestion/", {"key": f"milestone:{foreign.pk}"})
    assert not AgendaItem.objects.exists()  # a forged key of another vendor links nothing
    client.post(f"/meetings/{meeting.pk}/agenda/suggestion/", {"key": f"milestone:{late.pk}"})
    item = AgendaItem.objects.get()
    assert item.source == "plan_milestone" and plan.get_absolute_url() in item.notes
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert html.count(f"Overdue milestone ({plan.reference})") == 1  # on the agenda, not twice
