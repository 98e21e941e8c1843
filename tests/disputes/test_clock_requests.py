"""Pausing a dispute's resolution clock is the client's decision (issue 12): a partner
requests a pause, a manager grants or refuses it, both on the timeline. Before this, a
partner could pause and resume the client's clock on its own."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disputes import services
from disputes.models import DisputeEvent
from vendorhub.models import Notification

pytestmark = pytest.mark.django_db


def _clock(client, dispute, action, note=""):
    dispute.refresh_from_db()
    return client.post(
        f"/disputes/{dispute.reference}/clock/",
        {"action": action, "note": note, "version": dispute.version},
    )


def test_partner_can_no_longer_pause_or_resume_the_clock(client_for, dispute_a, partner_a, manager):
    """The reproduction of the issue: a partner paused the client's clock on its own."""
    client = client_for(partner_a)
    assert _clock(client, dispute_a, "pause", "Need the recordings").status_code == 403
    dispute_a.refresh_from_db()
    assert dispute_a.clock_paused_at is None
    with pytest.raises(PermissionDenied):
        services.dispute_clock_pause(dispute=dispute_a, by=partner_a, note="x")
    services.dispute_clock_pause(dispute=dispute_a, by=manager, note="Waiting on our IT")
    assert _clock(client, dispute_a, "resume").status_code == 403
    dispute_a.refresh_from_db()
    assert dispute_a.clock_paused_at is not None


def test_partner_requests_and_manager_grants(client_for, dispute_a, partner_a, manager, vendor_a):
    vendor_a.relationship_owner = manager
    vendor_a.save()
    page = client_for(partner_a).get(dispute_a.get_absolute_url()).content.decode()
    assert "Request a pause" in page and "Pause resolution clock" not in page
    response = _clock(client_for(partner_a), dispute_a, "request", "Need the call recordings")
    assert response.status_code == 302
    dispute_a.refresh_from_db()
    assert dispute_a.clock_paused_at is None  # nothing stops until the client decides
    assert dispute_a.pause_requested_by == partner_a
    assert Notification.objects.filter(recipient=manager, kind="dispute_clock").exists()
    page = client_for(partner_a).get(dispute_a.get_absolute_url()).content.decode()
    assert "awaiting the client's decision" in page
    page = client_for(manager).get(dispute_a.get_absolute_url()).content.decode()
    assert "Grant the pause" in page and "Need the call recordings" in page
    assert _clock(client_for(partner_a), dispute_a, "grant").status_code == 403
    assert _clock(client_for(manager), dispute_a, "grant").status_code == 302
    dispute_a.refresh_from_db()
    assert dispute_a.clock_paused_at is not None and dispute_a.pause_requested_at is None
    assert dispute_a.resolution_clock().state == "paused"
    bodies = list(
        DisputeEvent.objects.filter(dispute=dispute_a, kind="clock").values_list("body", flat=True)
    )
    assert bodies == [
        "Pause requested: Need the call recordings",
        "Pause granted: Need the call recordings",
    ]
    assert Notification.objects.filter(recipient=partner_a, kind="dispute_clock").exists()


def test_manager_refuses_and_the_clock_keeps_running(client_for, dispute_a, partner_a, manager):
    _clock(client_for(partner_a), dispute_a, "request", "Need the call recordings")
    assert _clock(client_for(manager), dispute_a, "refuse", "You have them").status_code == 302
    dispute_a.refresh_from_db()
    assert dispute_a.clock_paused_at is None and dispute_a.pause_requested_at is None
    last = DisputeEvent.objects.filter(dispute=dispute_a, kind="clock").last()
    assert last.body.startswith("Pause refused: You have them")
    assert last.internal is False  # both sides see it


def test_request_rules(dispute_a, partner_a, manager, executive, client_for, partner_b):
    with pytest.raises(ValidationError):
        services.dispute_clock_pause_request(dispute=dispute_a, by=partner_a, note=" ")
    services.dispute_clock_pause_request(dispute=dispute_a, by=partner_a, note="Recordings")
    with pytest.raises(ValidationError):  # one pending request at a time
        services.dispute_clock_pause_request(dispute=dispute_a, by=partner_a, note="Again")
    services.dispute_clock_pause_decide(dispute=dispute_a, by=manager, grant=True)
    with pytest.raises(ValidationError):  # decided already
        services.dispute_clock_pause_decide(dispute=dispute_a, by=manager, grant=False)
    assert _clock(client_for(executive), dispute_a, "grant").status_code == 403
    assert _clock(client_for(partner_b), dispute_a, "request", "x").status_code == 404
