"""The status workflow: every legal and illegal move per role, conflicts, the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disputes import services
from disputes.models import Dispute, DisputeEvent
from disputes.services import TRANSITIONS, DisputeConflict
from tests.disputes.factories import make_dispute

# How to reach each status from a fresh dispute (as a manager).
PATHS = {
    "open": [],
    "awaiting_vendor": ["awaiting_vendor"],
    "vendor_responded": ["awaiting_vendor", "vendor_responded"],
    "under_review": ["awaiting_vendor", "vendor_responded", "under_review"],
    "resolved": ["awaiting_vendor", "vendor_responded", "under_review", "resolved"],
    "closed": ["awaiting_vendor", "vendor_responded", "under_review", "resolved", "closed"],
    "escalated": ["escalated"],
}
STATUSES = list(PATHS)
ALL_PAIRS = [(a, b) for a in STATUSES for b in STATUSES if a != b]


def _at(status, manager, vendor):
    d = make_dispute(vendor=vendor, by=manager)
    for step in PATHS[status]:
        services.dispute_transition(dispute=d, to=step, by=manager)
    return d


@pytest.mark.parametrize(("current", "to"), ALL_PAIRS)
def test_manager_moves_exactly_the_legal_transitions(current, to, manager, vendor_a):
    dispute = _at(current, manager, vendor_a)
    if to in TRANSITIONS[current]:
        services.dispute_transition(dispute=dispute, to=to, by=manager, note="ok")
        dispute.refresh_from_db()
        assert dispute.status == to
        event = DisputeEvent.objects.filter(dispute=dispute).last()
        assert (event.from_status, event.to_status, event.body) == (current, to, "ok")
    else:
        with pytest.raises(ValidationError) as exc:
            services.dispute_transition(dispute=dispute, to=to, by=manager)
        assert "cannot move to" in str(exc.value)
        dispute.refresh_from_db()
        assert dispute.status == current


@pytest.mark.parametrize(("current", "to"), ALL_PAIRS)
def test_partner_only_answers_what_awaits_the_vendor(current, to, manager, partner_a, vendor_a):
    dispute = _at(current, manager, vendor_a)
    if (current, to) == ("awaiting_vendor", "vendor_responded"):
        services.dispute_transition(dispute=dispute, to=to, by=partner_a)
        dispute.refresh_from_db()
        assert dispute.status == to and dispute.responded_at is not None
        return
    with pytest.raises((ValidationError, PermissionDenied)):
        services.dispute_transition(dispute=dispute, to=to, by=partner_a)
    dispute.refresh_from_db()
    assert dispute.status == current


@pytest.mark.parametrize("to", ["awaiting_vendor", "escalated"])
def test_executive_may_not_move_anything(to, manager, executive, vendor_a):
    dispute = _at("open", manager, vendor_a)
    with pytest.raises(PermissionDenied):
        services.dispute_transition(dispute=dispute, to=to, by=executive)
    dispute.refresh_from_db()
    assert dispute.status == "open"


def test_two_racing_transitions_one_wins_the_other_conflicts(manager, vendor_a):
    original = _at("under_review", manager, vendor_a)
    first = Dispute.objects.get(pk=original.pk)
    second = Dispute.objects.get(pk=original.pk)
    services.dispute_transition(dispute=first, to="resolved", by=manager, note="Credit agreed")
    with pytest.raises(DisputeConflict):
        services.dispute_transition(dispute=second, to="awaiting_vendor", by=manager, note="More")
    fresh = Dispute.objects.get(pk=original.pk)
    assert fresh.status == "resolved" and fresh.resolution_summary == "Credit agreed"
    notes = list(DisputeEvent.objects.filter(dispute=fresh).values_list("body", flat=True))
    assert "Credit agreed" in notes and "More" not in notes


def test_comments_do_not_make_a_pending_transition_fail(manager, partner_a, vendor_a):
    dispute = _at("awaiting_vendor", manager, vendor_a)
    stale = Dispute.objects.get(pk=dispute.pk)
    services.dispute_comment(dispute=dispute, by=partner_a, body="Looking into it")
    services.dispute_transition(dispute=stale, to="escalated", by=manager)
    assert Dispute.objects.get(pk=dispute.pk).status == "escalated"


def test_reopening_resolved_goes_back_to_open(manager, vendor_a):
    dispute = _at("resolved", manager, vendor_a)
    services.dispute_transition(dispute=dispute, to="open", by=manager, note="It came back")
    dispute.refresh_from_db()
    assert dispute.status == "open" and dispute.reopen_count == 1 and dispute.resolved_at is None


def test_escalation_sets_level_one(manager, vendor_a):
    dispute = _at("vendor_responded", manager, vendor_a)
    services.dispute_transition(dispute=dispute, to="escalated", by=manager)
    dispute.refresh_from_db()
    assert dispute.escalation_level == 1


# --- API --------------------------------------------------------------------------------
def test_api_transition_returns_the_updated_dispute(dispute_a, partner_a, api_for):
    response = api_for(partner_a).post(
        f"/api/v1/disputes/{dispute_a.pk}/transition/",
        {"to": "vendor_responded", "note": "See our root cause", "version": dispute_a.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "vendor_responded"


def test_api_illegal_transition_is_400_with_a_message(dispute_a, manager, api_for):
    response = api_for(manager).post(
        f"/api/v1/disputes/{dispute_a.pk}/transition/",
        {"to": "closed", "version": dispute_a.version},
        format="json",
    )
    assert response.status_code == 400
    assert "cannot move to" in response.json()["to"][0]
    dispute_a.refresh_from_db()
    assert dispute_a.status == "awaiting_vendor"


def test_api_unknown_status_is_400(dispute_a, manager, api_for):
    response = api_for(manager).post(
        f"/api/v1/disputes/{dispute_a.pk}/transition/", {"to": "done"}, format="json"
    )
    assert response.status_code == 400 and "to" in response.json()


def test_api_stale_version_is_409_and_changes_nothing(dispute_a, manager, api_for):
    response = api_for(manager).post(
        f"/api/v1/disputes/{dispute_a.pk}/transition/",
        {"to": "escalated", "expected_version": dispute_a.version - 1},
        format="json",
    )
    assert response.status_code == 409
    assert "Someone else changed" in response.json()["detail"]
    dispute_a.refresh_from_db()
    assert dispute_a.status == "awaiting_vendor"


def test_api_expected_status_mismatch_is_409(dispute_a, manager, api_for):
    response = api_for(manager).post(
        f"/api/v1/disputes/{dispute_a.pk}/transition/",
        {"to": "escalated", "expected_status": "open", "version": dispute_a.version},
        format="json",
    )
    assert response.status_code == 409


def test_api_partner_may_not_close(dispute_a, manager, partner_a, api_for):
    services.dispute_transition(dispute=dispute_a, to="escalated", by=manager)
    response = api_for(partner_a).post(
        f"/api/v1/disputes/{dispute_a.pk}/transition/",
        {"to": "under_review", "version": dispute_a.version},
        format="json",
    )
    assert response.status_code == 403
    dispute_a.refresh_from_db()
    assert dispute_a.status == "escalated"


def test_api_executive_gets_403_on_transition(dispute_a, executive, api_for):
    response = api_for(executive).post(
        f"/api/v1/disputes/{dispute_a.pk}/transition/", {"to": "escalated"}, format="json"
    )
    assert response.status_code == 403


def test_page_transition_with_stale_version_shows_conflict(dispute_a, manager, client_for):
    response = client_for(manager).post(
        f"/disputes/{dispute_a.reference}/transition/",
        {"to": "escalated", "version": dispute_a.version - 1},
    )
    assert response.status_code == 409
    assert "Someone else changed" in response.content.decode()
    dispute_a.refresh_from_db()
    assert dispute_a.status == "awaiting_vendor"


def test_page_transition_moves_and_redirects(dispute_a, manager, client_for):
    response = client_for(manager).post(
        f"/disputes/{dispute_a.reference}/transition/",
        {"to": "escalated", "version": dispute_a.version, "note": "No answer"},
    )
    assert response.status_code == 302
    dispute_a.refresh_from_db()
    assert dispute_a.status == "escalated"


def test_page_transition_htmx_returns_client_redirect(dispute_a, manager, client_for):
    response = client_for(manager).post(
        f"/disputes/{dispute_a.reference}/transition/",
        {"to": "escalated", "version": dispute_a.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == dispute_a.get_absolute_url()


def test_page_illegal_transition_is_400_with_message(dispute_a, manager, client_for):
    response = client_for(manager).post(
        f"/disputes/{dispute_a.reference}/transition/",
        {"to": "closed", "version": dispute_a.version},
    )
    assert response.status_code == 400
    assert "cannot move to" in response.content.decode()


def test_partner_responds_in_the_portal(dispute_a, partner_a, client_for):
    response = client_for(partner_a).post(
        f"/disputes/{dispute_a.reference}/respond/",
        {
            "body": "We found it.",
            "root_cause": "Understaffed night shift",
            "action_plan": "Hire 6 agents by April",
            "version": dispute_a.version,
        },
    )
    assert response.status_code == 302
    dispute_a.refresh_from_db()
    assert dispute_a.status == "vendor_responded"
    assert dispute_a.root_cause == "Understaffed night shift"


def test_respond_without_a_reply_is_a_field_error(dispute_a, partner_a, client_for):
    response = client_for(partner_a).post(
        f"/disputes/{dispute_a.reference}/respond/", {"body": "", "version": dispute_a.version}
    )
    assert response.status_code == 400
    assert "body" in response.context["respond_form"].errors
    dispute_a.refresh_from_db()
    assert dispute_a.status == "awaiting_vendor"
