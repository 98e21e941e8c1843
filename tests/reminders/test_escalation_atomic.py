"""An escalation and the reminder that announces it are one transaction, with the
"reminder sent" timeline entries; dispute notifications are written in the same
transaction as the change they announce (issue 15: "An escalation notice can be lost").

The crash is simulated by making the reminder for executives fail after the level was
raised in the same sweep: the whole dispute rolls back, and the next run does it all.
(tests/reminders/test_drills.py kills real workers at random points.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from disputes import reminders as dispute_reminders
from disputes import services
from disputes.models import DisputeEvent
from disputes.reminders import sweep_overdue_disputes
from tests.disputes.factories import make_dispute, move
from vendorhub.models import Notification, Reminder, SweepFailure

pytestmark = pytest.mark.django_db
CREATED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class WorkerDied(Exception):
    pass


@pytest.fixture
def dispute(manager, vendor_a, partner_a):
    d = make_dispute(vendor=vendor_a, by=manager, severity="high", now=CREATED, owner=manager)
    return move(d, manager, "awaiting_vendor")


def test_a_crash_before_the_escalation_notice_leaves_the_level_unraised(
    dispute, executive, monkeypatch
):
    real_remind = dispute_reminders.remind

    def remind(**kwargs):
        if kwargs["kind"] == "dispute.escalated":
            raise WorkerDied("the worker died after raising the level")
        return real_remind(**kwargs)

    later = dispute.response_due_at + timedelta(days=3, hours=1)
    monkeypatch.setattr(dispute_reminders, "remind", remind)
    assert sweep_overdue_disputes(later) == 0
    dispute.refresh_from_db()
    assert dispute.escalation_level == 0  # rolled back with the failed notice
    # …and so was the overdue reminder and its timeline entry of the same dispute.
    assert not Reminder.objects.exists()
    assert not DisputeEvent.objects.filter(dispute=dispute, kind__in=["reminder", "escalation"])
    assert SweepFailure.objects.get().object_id == dispute.pk

    monkeypatch.setattr(dispute_reminders, "remind", real_remind)
    assert sweep_overdue_disputes(later) == 2  # response overdue + escalation
    dispute.refresh_from_db()
    assert dispute.escalation_level == 1
    assert Notification.objects.filter(recipient=executive, kind="dispute.escalated").count() == 1
    assert DisputeEvent.objects.filter(dispute=dispute, kind="reminder").count() == 1
    assert DisputeEvent.objects.filter(dispute=dispute, kind="escalation").count() == 1
    assert SweepFailure.objects.get().cleared_at is not None


def test_every_escalated_level_has_its_notice(dispute, executive):
    due = dispute.response_due_at
    for hours in range(0, 24 * 9, 13):
        sweep_overdue_disputes(due + timedelta(hours=hours))
    dispute.refresh_from_db()
    assert dispute.escalation_level == 2
    stages = set(Reminder.objects.filter(kind="dispute.escalated").values_list("stage", flat=True))
    assert stages == {"level-1", "level-2"}
    assert Notification.objects.filter(recipient=executive).count() == 2


def test_a_dispute_notification_commits_or_rolls_back_with_its_change(dispute, manager, partner_a):
    """Dispute notifications are written inside the service's transaction (as in every
    other app), not after its commit: they share its fate."""
    told = Notification.objects.filter(recipient=partner_a, kind="dispute_comment")
    with transaction.atomic():
        services.dispute_comment(dispute=dispute, by=manager, body="Figures", internal=False)
        assert told.count() == 1  # already there, before any commit
        transaction.set_rollback(True)  # the request fails after the service returned
    assert told.count() == 0
    assert not DisputeEvent.objects.filter(dispute=dispute, body="Figures").exists()

    services.dispute_comment(dispute=dispute, by=manager, body="Figures", internal=False)
    assert told.count() == 1
    assert DisputeEvent.objects.filter(dispute=dispute, body="Figures").count() == 1
