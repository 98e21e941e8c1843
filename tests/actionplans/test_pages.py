"""The action-plan pages: list, proposing from every source, the plan page and its
actions, per role (partner of another vendor: 404; executive: reads, 403 on writes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from actionplans.models import ActionPlan
from tests.actionplans.factories import agree, make_plan
from tests.disputes.factories import make_dispute
from tests.meetings.factories import ActionItemFactory, MeetingFactory
from tests.scorecards.factories import kpi

pytestmark = pytest.mark.django_db


def _due() -> str:
    return (timezone.localdate() + timedelta(days=30)).isoformat()


def test_list_shows_counts_and_is_scoped(client_for, plan_a, partner_b, manager, vendor_b):
    make_plan(vendor=vendor_b, by=manager, title="Borealis plan")
    body = client_for(manager).get("/action-plans/").content.decode()
    assert plan_a.title in body and "Borealis plan" in body
    assert "2 open" in body
    body = client_for(partner_b).get("/action-plans/").content.decode()
    assert "Borealis plan" in body and plan_a.title not in body


def test_list_query_count_is_bounded(client_for, manager, vendor_a, django_assert_max_num_queries):
    for i in range(8):
        make_plan(vendor=vendor_a, by=manager, title=f"Plan {i}", kpi=kpi("service_level"))
    client = client_for(manager)
    with django_assert_max_num_queries(14):
        assert client.get("/action-plans/").status_code == 200


def test_plan_page_per_role(client_for, plan_a, partner_a, partner_b, executive, manager):
    url = plan_a.get_absolute_url()
    assert client_for(partner_b).get(url).status_code == 404
    body = client_for(executive).get(url).content.decode()
    assert plan_a.title in body and "Agree the plan" not in body and "Add milestone" not in body
    body = client_for(manager).get(url).content.decode()
    assert "Agree the plan" in body and "Cancel the plan" in body
    body = client_for(partner_a).get(url).content.decode()
    assert "Agree the plan" not in body and "Add milestone" in body


def test_partner_proposes_from_a_failing_scorecard_line(client_for, partner_a, vendor_a):
    client = client_for(partner_a)
    page = client.get("/action-plans/new/?kpi=service_level&target=80")
    assert page.status_code == 200
    assert "Bring Service level back to target" in page.content.decode()
    response = client.post(
        "/action-plans/new/?kpi=service_level",
        {
            "title": "Monday staffing",
            "root_cause": "Forecast missed the Monday peak",
            "kpi": kpi("service_level").pk,
            "target_value": "80",
            "due_date": _due(),
            "cure_period_days": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = ActionPlan.objects.get()
    assert (plan.vendor, plan.source, plan.status) == (vendor_a, "scorecard", "proposed")
    assert plan.proposed_by_side == "vendor"


def test_manager_proposes_from_a_dispute(client_for, manager, vendor_a):
    dispute = make_dispute(vendor=vendor_a, by=manager, kpi=kpi("service_level"))
    client = client_for(manager)
    page = client.get(f"/action-plans/new/?dispute={dispute.reference}").content.decode()
    assert dispute.reference in page
    response = client.post(
        f"/action-plans/new/?dispute={dispute.reference}",
        {
            "title": "Fix it",
            "kpi": kpi("service_level").pk,
            "target_value": "80",
            "due_date": _due(),
            "cure_period_days": "5",
        },
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.get()
    assert (plan.dispute, plan.vendor, plan.source, plan.cure_period_days) == (
        dispute,
        vendor_a,
        "dispute",
        5,
    )


def test_proposing_from_a_meeting_action_and_standalone(client_for, manager, vendor_a, partner_a):
    item = ActionItemFactory(meeting=MeetingFactory(vendor=vendor_a), title="Review rota")
    client = client_for(manager)
    response = client.post(
        f"/action-plans/new/?action_item={item.pk}",
        {"title": "Review rota", "due_date": _due(), "cure_period_days": "0"},
    )
    assert response.status_code == 302
    assert ActionPlan.objects.get().source == "meeting"
    response = client.post(
        "/action-plans/new/",
        {
            "vendor": vendor_a.pk,
            "title": "Quality coaching",
            "due_date": _due(),
            "cure_period_days": "0",
        },
    )
    assert response.status_code == 302
    assert ActionPlan.objects.filter(source="standalone").count() == 1


def test_sources_of_another_vendor_are_404_and_executives_403(
    client_for, manager, partner_b, executive, vendor_a
):
    dispute = make_dispute(vendor=vendor_a, by=manager)
    assert (
        client_for(partner_b).get(f"/action-plans/new/?dispute={dispute.reference}").status_code
        == 404
    )
    assert (
        client_for(partner_b).get(f"/action-plans/new/?vendor={vendor_a.slug}").status_code == 404
    )
    assert client_for(executive).get("/action-plans/new/").status_code == 403


def test_invalid_proposal_shows_errors_and_writes_nothing(client_for, partner_a):
    response = client_for(partner_a).post(
        "/action-plans/new/", {"title": "", "target_value": "80", "cure_period_days": "0"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "error-summary" in body
    assert not ActionPlan.objects.exists()


def test_manager_agrees_and_partner_ticks_on_the_page(client_for, plan_a, manager, partner_a):
    response = client_for(manager).post(
        f"/action-plans/{plan_a.pk}/transition/", {"to": "agreed", "version": plan_a.version}
    )
    assert response.status_code == 302
    plan_a.refresh_from_db()
    assert plan_a.status == "agreed"
    step = plan_a.milestones.get(owner_side="vendor")
    client = client_for(partner_a)
    assert (
        client.post(f"/action-plans/{plan_a.pk}/milestones/{step.pk}/", {"done": "1"}).status_code
        == 302
    )
    step.refresh_from_db()
    assert step.done
    client_step = plan_a.milestones.get(owner_side="client")
    response = client.post(f"/action-plans/{plan_a.pk}/milestones/{client_step.pk}/", {"done": "1"})
    assert response.status_code == 403


def test_stale_transition_on_the_page_is_a_409(client_for, plan_a, manager):
    client = client_for(manager)
    version = plan_a.version
    client.post(f"/action-plans/{plan_a.pk}/transition/", {"to": "agreed", "version": version})
    response = client.post(
        f"/action-plans/{plan_a.pk}/transition/", {"to": "cancelled", "version": version}
    )
    assert response.status_code == 409
    plan_a.refresh_from_db()
    assert plan_a.status == "agreed"


def test_partner_may_not_agree_on_the_page(client_for, plan_a, partner_a, executive, partner_b):
    url = f"/action-plans/{plan_a.pk}/transition/"
    body = {"to": "agreed", "version": plan_a.version}
    assert client_for(partner_a).post(url, body).status_code == 403
    assert client_for(executive).post(url, body).status_code == 403
    assert client_for(partner_b).post(url, body).status_code == 404


def test_edit_page_rules(client_for, plan_a, partner_a, manager, executive):
    url = f"/action-plans/{plan_a.pk}/edit/"
    assert client_for(executive).get(url).status_code == 403
    response = client_for(partner_a).post(
        url,
        {
            "title": "Better title",
            "due_date": plan_a.due_date.isoformat(),
            "cure_period_days": "0",
            "version": plan_a.version,
        },
    )
    assert response.status_code == 302
    plan_a.refresh_from_db()
    assert plan_a.title == "Better title"
    agree(plan_a, manager)
    assert client_for(partner_a).get(url).status_code == 403
    assert client_for(manager).get(url).status_code == 200


def test_comment_and_milestone_forms_on_the_page(client_for, plan_a, partner_a, executive):
    client = client_for(partner_a)
    response = client.post(f"/action-plans/{plan_a.pk}/comment/", {"body": "Roster attached"})
    assert response.status_code == 302
    response = client.post(
        f"/action-plans/{plan_a.pk}/milestones/",
        {"title": "Coach team leads", "owner_side": "vendor", "due_date": _due()},
    )
    assert response.status_code == 302
    assert plan_a.milestones.filter(title="Coach team leads").exists()
    response = client.post(
        f"/action-plans/{plan_a.pk}/milestones/",
        {"title": "Approve", "owner_side": "client", "due_date": _due()},
    )
    assert response.status_code == 400  # not a choice for the vendor
    response = client_for(executive).post(f"/action-plans/{plan_a.pk}/comment/", {"body": "x"})
    assert response.status_code == 403


def test_dispute_page_lists_its_plans_and_offers_one(
    client_for, manager, partner_a, executive, vendor_a
):
    dispute = make_dispute(vendor=vendor_a, by=manager)
    plan = make_plan(vendor=vendor_a, by=partner_a, dispute=dispute, title="Answering plan")
    body = client_for(partner_a).get(dispute.get_absolute_url()).content.decode()
    assert "Answering plan" in body and plan.get_absolute_url() in body
    assert f"/action-plans/new/?dispute={dispute.reference}" in body
    body = client_for(executive).get(dispute.get_absolute_url()).content.decode()
    assert "Answering plan" in body and "Propose an action plan" not in body
