"""Response and resolution clocks from the severity matrix; breaches stick; pauses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from disputes import services
from disputes.models import Dispute
from tests.disputes.factories import make_dispute, move

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("severity", "response_days", "resolution_days"),
    [("critical", 1, 3), ("high", 2, 7), ("medium", 5, 14), ("low", 10, 30)],
)
def test_due_dates_come_from_the_default_matrix(
    severity, response_days, resolution_days, manager, vendor_a
):
    d = make_dispute(vendor=vendor_a, by=manager, severity=severity, now=T0)
    assert d.response_due_at == T0 + timedelta(days=response_days)
    assert d.resolution_due_at == T0 + timedelta(days=resolution_days)


def test_matrix_is_configurable(settings, manager, vendor_a):
    settings.DISPUTE_SLA_MATRIX = {"critical": (0.5, 2)}
    d = make_dispute(vendor=vendor_a, by=manager, severity="critical", now=T0)
    assert d.response_due_at == T0 + timedelta(hours=12)
    assert d.resolution_due_at == T0 + timedelta(days=2)


def test_response_clock_met_when_vendor_answers_in_time(manager, partner_a, vendor_a):
    d = make_dispute(vendor=vendor_a, by=manager, severity="high")
    services.dispute_comment(dispute=d, by=partner_a, body="On it")
    assert d.response_clock().state == "met"


def test_breached_resolution_stays_breached_after_resolving(manager, partner_a, vendor_a):
    d = make_dispute(vendor=vendor_a, by=manager, severity="critical", now=T0)
    assert d.resolution_clock(T0 + timedelta(days=4)).state == "breached"
    assert d.response_clock(T0 + timedelta(days=2)).state == "breached"
    assert Dispute.objects.overdue(T0 + timedelta(days=2)).filter(pk=d.pk).exists()
    move(d, manager, "awaiting_vendor", "vendor_responded", "under_review", "resolved")
    d.refresh_from_db()
    assert d.resolution_breached is True
    assert d.resolution_clock().state == "breached"
    assert d.response_clock().state == "breached"  # answered long after the due date
    assert not Dispute.objects.overdue(timezone.now()).filter(pk=d.pk).exists()


def test_resolved_in_time_is_met(manager, vendor_a):
    d = make_dispute(vendor=vendor_a, by=manager, severity="low")
    move(d, manager, "awaiting_vendor", "vendor_responded", "under_review", "resolved")
    assert d.resolution_clock().state == "met"


def test_pause_pushes_the_due_date_by_the_paused_time(manager, partner_a, vendor_a):
    d = make_dispute(vendor=vendor_a, by=manager, severity="high")
    due = d.resolution_due_at
    services.dispute_clock_pause(dispute=d, by=manager, note="Need the call recordings")
    assert d.resolution_clock().state == "paused"
    Dispute.objects.filter(pk=d.pk).update(clock_paused_at=timezone.now() - timedelta(days=2))
    d.refresh_from_db()
    assert not Dispute.objects.resolution_overdue(due + timedelta(hours=1)).exists()
    services.dispute_clock_resume(dispute=d, by=manager)
    d.refresh_from_db()
    assert d.clock_paused_at is None
    assert d.resolution_due_at - due >= timedelta(days=2) - timedelta(seconds=5)


def test_pause_needs_a_note(manager, vendor_a):
    d = make_dispute(vendor=vendor_a, by=manager)
    with pytest.raises(ValidationError):
        services.dispute_clock_pause(dispute=d, by=manager, note=" ")
    d.refresh_from_db()
    assert d.clock_paused_at is None


def test_reopening_starts_a_new_resolution_clock(manager, vendor_a):
    d = make_dispute(vendor=vendor_a, by=manager, severity="medium", now=T0)
    move(d, manager, "awaiting_vendor", "vendor_responded", "under_review", "resolved")
    services.dispute_transition(dispute=d, to="open", by=manager)
    d.refresh_from_db()
    assert d.resolution_started_at > T0 + timedelta(days=100)
    assert d.resolution_due_at == d.resolution_started_at + timedelta(days=14)
    assert d.resolution_clock().state == "ongoing"
    assert d.events.filter(kind="clock", body__contains="Previous resolution clock").exists()


def test_severity_change_rederives_due_dates(manager, vendor_a, api_for):
    d = make_dispute(vendor=vendor_a, by=manager, severity="low", now=T0)
    response = api_for(manager).patch(
        f"/api/v1/disputes/{d.pk}/", {"severity": "critical", "version": d.version}, format="json"
    )
    assert response.status_code == 200, response.content
    d.refresh_from_db()
    assert d.response_due_at == T0 + timedelta(days=1)
    assert d.resolution_due_at == T0 + timedelta(days=3)


def test_patch_with_stale_version_is_409(manager, vendor_a, api_for):
    d = make_dispute(vendor=vendor_a, by=manager)
    response = api_for(manager).patch(
        f"/api/v1/disputes/{d.pk}/", {"title": "New", "version": d.version + 5}, format="json"
    )
    assert response.status_code == 409
    d.refresh_from_db()
    assert d.title != "New"


def test_sweep_helpers_escalate_once_and_log_reminders(manager, vendor_a):
    d = make_dispute(vendor=vendor_a, by=manager, severity="critical", now=T0)
    now = T0 + timedelta(days=7)
    assert services.dispute_escalate_level(dispute=d, level=1, now=now, reason="+3 days")
    assert not services.dispute_escalate_level(dispute=d, level=1, now=now, reason="+3 days")
    services.dispute_record_reminder(dispute=d, stage="resolution", now=now, recipients=[manager])
    d.refresh_from_db()
    assert d.escalation_level == 1
    assert d.events.filter(kind="reminder").count() == 1
