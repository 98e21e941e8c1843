"""``/api/v1/action-plans/``: public fields, every transition per role, milestones,
optimistic concurrency and evidence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actionplans.models import ActionPlan, PlanEvent
from tests.actionplans.factories import agree, make_plan
from tests.disputes.factories import make_dispute
from tests.scorecards.factories import kpi

pytestmark = pytest.mark.django_db

URL = "/api/v1/action-plans/"


def _post_transition(api, plan, to, version=None):
    body = {"to": to, "note": f"to {to}"}
    if version is not False:
        body["version"] = version or plan.version
    return api.post(f"{URL}{plan.pk}/transition/", body, format="json")


def test_partner_proposes_a_plan_for_its_own_vendor_with_public_fields(
    api_for, partner_a, vendor_a, manager
):
    dispute = make_dispute(vendor=vendor_a, by=manager, kpi=kpi("service_level"))
    due = timezone.localdate() + timedelta(days=20)
    response = api_for(partner_a).post(
        URL,
        {
            "vendor": vendor_a.slug,
            "title": "Six more agents on Mondays",
            "dispute": dispute.pk,
            "kpi": "service_level",
            "root_cause": "Monday peaks were not in the forecast",
            "target_value": "80.0",
            "due_date": due.isoformat(),
            "milestones_to_add": [
                {"title": "Hire", "owner_side": "vendor", "due_date": due.isoformat()}
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    for name in ("vendor", "title", "dispute", "kpi", "root_cause", "target_value", "due_date"):
        assert name in data
    assert data["vendor"] == vendor_a.slug
    assert data["kpi"] == "service_level"
    assert data["dispute"] == dispute.pk
    assert data["status"] == "proposed"
    assert data["proposed_by_side"] == "vendor"
    assert [m["title"] for m in data["milestones"]] == ["Hire"]
    assert set(data["milestones"][0]) >= {"title", "owner_side", "due_date", "done"}


def test_partner_cannot_propose_for_another_vendor(api_for, partner_b, vendor_a):
    response = api_for(partner_b).post(
        URL,
        {"vendor": vendor_a.slug, "title": "x", "due_date": "2030-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "vendor" in response.json()
    assert not ActionPlan.objects.exists()


def test_executive_reads_but_cannot_propose(api_for, executive, vendor_a, plan_a):
    api = api_for(executive)
    assert api.get(f"{URL}{plan_a.pk}/").status_code == 200
    response = api.post(
        URL, {"vendor": vendor_a.slug, "title": "x", "due_date": "2030-01-01"}, format="json"
    )
    assert response.status_code == 403


def test_partner_of_another_vendor_gets_404_everywhere(api_for, partner_b, plan_a):
    api = api_for(partner_b)
    milestone = plan_a.milestones.first()
    assert api.get(f"{URL}{plan_a.pk}/").status_code == 404
    assert api.get(f"{URL}{plan_a.pk}/milestones/").status_code == 404
    assert api.get(f"{URL}{plan_a.pk}/timeline/").status_code == 404
    assert _post_transition(api, plan_a, "agreed").status_code == 404
    assert (
        api.patch(
            f"{URL}{plan_a.pk}/milestones/{milestone.pk}/", {"done": True}, format="json"
        ).status_code
        == 404
    )
    assert api.post(f"{URL}{plan_a.pk}/comments/", {"body": "hi"}).status_code == 404
    assert api.get(URL).json()["results"] == []


@pytest.mark.parametrize("to", ["agreed", "cancelled"])
def test_only_managers_agree_or_cancel_a_proposed_plan(
    api_for, plan_a, partner_a, executive, manager, to
):
    assert _post_transition(api_for(partner_a), plan_a, to).status_code == 403
    assert _post_transition(api_for(executive), plan_a, to).status_code == 403
    response = _post_transition(api_for(manager), plan_a, to)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == to


@pytest.mark.parametrize("to", ["verified", "failed", "cancelled"])
def test_only_managers_verify_fail_or_cancel_running_work(
    api_for, plan_a, partner_a, executive, manager, to
):
    agree(plan_a, manager)
    assert _post_transition(api_for(partner_a), plan_a, to).status_code == 403
    assert _post_transition(api_for(executive), plan_a, to).status_code == 403
    assert _post_transition(api_for(manager), plan_a, to).json()["status"] == to
    plan_a.refresh_from_db()
    assert plan_a.closed_at is not None


def test_partner_starts_agreed_work_but_not_a_proposed_plan(api_for, plan_a, partner_a, manager):
    api = api_for(partner_a)
    assert _post_transition(api, plan_a, "in_progress").status_code == 403
    agree(plan_a, manager)
    response = _post_transition(api, plan_a, "in_progress")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"


def test_illegal_moves_are_400_and_final_states_stay_final(api_for, plan_a, manager):
    api = api_for(manager)
    response = _post_transition(api, plan_a, "verified")
    assert response.status_code == 400
    assert "proposed" in response.json()["to"][0]
    agree(plan_a, manager)
    _post_transition(api, plan_a, "verified")
    plan_a.refresh_from_db()
    assert _post_transition(api, plan_a, "failed").status_code == 400


def test_transition_needs_the_version_and_a_stale_one_is_a_409(api_for, plan_a, manager):
    api = api_for(manager)
    response = _post_transition(api, plan_a, "agreed", version=False)
    assert response.status_code == 428
    assert response.json()["current_version"] == plan_a.version
    response = api.post(
        f"{URL}{plan_a.pk}/transition/",
        {"to": "agreed"},
        format="json",
        headers={"If-Match": f'"{plan_a.version}"'},
    )
    assert response.status_code == 200, response.content
    # Someone else's copy, read before the agreement:
    response = _post_transition(api, plan_a, "cancelled", version=plan_a.version)
    assert response.status_code == 409
    plan_a.refresh_from_db()
    assert plan_a.status == "agreed"


def test_retrieve_sends_the_etag_and_updates_are_versioned(api_for, plan_a, partner_a, manager):
    api = api_for(partner_a)
    response = api.get(f"{URL}{plan_a.pk}/")
    assert response["ETag"] == f'"{plan_a.version}"'
    assert api.patch(f"{URL}{plan_a.pk}/", {"title": "New"}, format="json").status_code == 428
    response = api.patch(
        f"{URL}{plan_a.pk}/", {"title": "New", "version": plan_a.version}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "New"
    # Once agreed, the terms are the client's to change.
    plan_a.refresh_from_db()
    agree(plan_a, manager)
    response = api.patch(
        f"{URL}{plan_a.pk}/", {"title": "Newer", "version": plan_a.version}, format="json"
    )
    assert response.status_code == 403
    response = api_for(manager).patch(
        f"{URL}{plan_a.pk}/", {"title": "Newer", "version": plan_a.version}, format="json"
    )
    assert response.status_code == 200, response.content


def test_partner_ticks_vendor_milestones_only_and_the_first_starts_the_work(
    api_for, plan_a, partner_a, executive, manager
):
    agree(plan_a, manager)
    vendor_step = plan_a.milestones.get(owner_side="vendor")
    client_step = plan_a.milestones.get(owner_side="client")
    api = api_for(partner_a)
    url = f"{URL}{plan_a.pk}/milestones/"
    assert api.patch(f"{url}{client_step.pk}/", {"done": True}, format="json").status_code == 403
    assert (
        api_for(executive)
        .patch(f"{url}{vendor_step.pk}/", {"done": True}, format="json")
        .status_code
        == 403
    )
    response = api.patch(f"{url}{vendor_step.pk}/", {"done": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["done"] is True
    plan_a.refresh_from_db()
    assert plan_a.status == "in_progress"
    response = api_for(manager).patch(f"{url}{client_step.pk}/", {"done": True}, format="json")
    assert response.status_code == 200, response.content


def test_partner_adds_vendor_milestones_not_client_ones(api_for, plan_a, partner_a, executive):
    url = f"{URL}{plan_a.pk}/milestones/"
    due = plan_a.due_date.isoformat()
    api = api_for(partner_a)
    body = {"title": "Train", "owner_side": "vendor", "due_date": due}
    assert api.post(url, body, format="json").status_code == 201
    body = {"title": "Approve", "owner_side": "client", "due_date": due}
    assert api.post(url, body, format="json").status_code == 403
    assert api_for(executive).post(url, body, format="json").status_code == 403
    assert [m["title"] for m in api.get(url).json()] == [
        "Hire six agents",
        "Share the forecast",
        "Train",
    ]


def test_evidence_is_attached_on_the_timeline_and_served_scoped(
    api_for, client_for, plan_a, partner_a, partner_b
):
    upload = SimpleUploadedFile("roster.csv", b"agent,start\nAna,2025-03-01\n", "text/csv")
    response = api_for(partner_a).post(
        f"{URL}{plan_a.pk}/comments/", {"body": "New roster", "file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    event = PlanEvent.objects.get(pk=response.json()["id"])
    assert event.kind == "evidence"
    assert response.json()["attachment_url"].endswith(
        f"/action-plans/{plan_a.pk}/files/{event.pk}/"
    )
    assert (
        client_for(partner_a).get(f"/action-plans/{plan_a.pk}/files/{event.pk}/").status_code == 200
    )
    assert (
        client_for(partner_b).get(f"/action-plans/{plan_a.pk}/files/{event.pk}/").status_code == 404
    )
    kinds = [
        e["kind"] for e in api_for(partner_a).get(f"{URL}{plan_a.pk}/timeline/").json()["results"]
    ]
    assert kinds[0] == "created" and kinds[-1] == "evidence"


def test_a_hostile_upload_is_refused_and_changes_nothing(api_for, plan_a, partner_a):
    before = plan_a.events.count()
    upload = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = api_for(partner_a).post(
        f"{URL}{plan_a.pk}/comments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert "attachment" in response.json()
    assert plan_a.events.count() == before


def test_plan_for_another_vendors_dispute_is_refused(api_for, manager, vendor_a, vendor_b):
    dispute_b = make_dispute(vendor=vendor_b, by=manager)
    response = api_for(manager).post(
        URL,
        {"vendor": vendor_a.slug, "title": "x", "dispute": dispute_b.pk, "due_date": "2030-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "dispute" in response.json()


def test_a_target_needs_a_kpi_and_a_kpi_needs_a_target(api_for, manager, vendor_a):
    api = api_for(manager)
    base = {"vendor": vendor_a.slug, "title": "x", "due_date": "2030-01-01"}
    assert "kpi" in api.post(URL, {**base, "target_value": "80"}, format="json").json()
    response = api.post(URL, {**base, "kpi": "service_level"}, format="json")
    assert "target_value" in response.json()


def test_list_is_scoped_and_bounded(
    api_for, manager, partner_a, vendor_a, vendor_b, django_assert_max_num_queries
):
    for i in range(6):
        make_plan(vendor=vendor_a if i % 2 else vendor_b, by=manager, title=f"Plan {i}")
    assert len(api_for(partner_a).get(URL).json()["results"]) == 3
    api = api_for(manager)
    with django_assert_max_num_queries(12):
        response = api.get(URL)
    assert len(response.json()["results"]) == 6


def test_every_write_is_on_the_timeline_and_both_sides_are_told(
    plan_a, manager, partner_a, vendor_a
):
    from vendorhub.models import Notification

    vendor_a.relationship_owner = manager
    vendor_a.save()
    agree(plan_a, manager)
    kinds = list(plan_a.events.values_list("kind", flat=True))
    assert kinds == ["created", "milestone", "milestone", "status"]
    assert Notification.objects.filter(recipient=partner_a, kind="plan_transition").exists()
    assert Notification.objects.filter(recipient=manager, kind="plan_proposed").exists()
