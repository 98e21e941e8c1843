"""Overdue disputes: reminders at the due instant, once; the escalation ladder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from disputes.models import DisputeEvent
from disputes.reminders import sweep_overdue_disputes
from tests.disputes.factories import make_dispute, move
from vendorhub.models import EmailOutbox, Notification, Reminder
from vendorhub.outbox import send_outbox

pytestmark = pytest.mark.django_db
CREATED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def dispute(manager, vendor_a, partner_a):
    d = make_dispute(vendor=vendor_a, by=manager, severity="high", now=CREATED, owner=manager)
    move(d, manager, "awaiting_vendor")
    d.refresh_from_db()
    return d


def test_nothing_before_the_response_due_instant(dispute):
    assert sweep_overdue_disputes(dispute.response_due_at - timedelta(seconds=1)) == 0
    assert not Reminder.objects.exists()


def test_owner_and_partner_reminded_just_after_the_due_instant(
    dispute, manager, partner_a, partner_b
):
    just_after = dispute.response_due_at + timedelta(seconds=1)
    assert sweep_overdue_disputes(just_after) == 1
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"manager", "partner_a"}
    assert DisputeEvent.objects.filter(dispute=dispute, kind="reminder").count() == 1


def test_a_second_and_third_run_send_nothing_more(dispute):
    later = dispute.response_due_at + timedelta(hours=1)
    sweep_overdue_disputes(later)
    assert sweep_overdue_disputes(later) == 0
    assert sweep_overdue_disputes(later + timedelta(hours=1)) == 0
    assert Reminder.objects.count() == 1
    assert DisputeEvent.objects.filter(dispute=dispute, kind="reminder").count() == 1


def test_escalation_ladder_levels_and_executives(dispute, executive):
    due = dispute.response_due_at
    sweep_overdue_disputes(due + timedelta(days=3) - timedelta(seconds=1))
    dispute.refresh_from_db()
    assert dispute.escalation_level == 0
    sweep_overdue_disputes(due + timedelta(days=3, seconds=1))
    dispute.refresh_from_db()
    assert dispute.escalation_level == 1
    assert Notification.objects.filter(recipient=executive, kind="dispute.escalated").count() == 1
    sweep_overdue_disputes(due + timedelta(days=7, seconds=1))
    sweep_overdue_disputes(due + timedelta(days=7, seconds=2))
    dispute.refresh_from_db()
    assert dispute.escalation_level == 2
    assert DisputeEvent.objects.filter(dispute=dispute, kind="escalation").count() == 2


def test_a_responded_and_resolved_dispute_is_dropped(dispute, manager, partner_a):
    move(dispute, partner_a, "vendor_responded")
    move(dispute, manager, "under_review", "resolved")
    assert sweep_overdue_disputes(dispute.resolution_due_at + timedelta(days=30)) == 0
    assert not Reminder.objects.exists()


def test_partner_of_other_vendor_and_internal_comments_never_reach_the_mail(
    dispute, manager, partner_b
):
    from disputes import services

    services.dispute_comment(
        dispute=dispute, by=manager, body="Our walk-away price is 4.10", internal=True
    )
    sweep_overdue_disputes(dispute.response_due_at + timedelta(hours=1))
    send_outbox(dispute.response_due_at + timedelta(hours=1))
    assert mail.outbox
    assert not Notification.objects.filter(
        recipient=partner_b, kind__startswith="dispute."
    ).exists()
    for email in mail.outbox:
        assert "walk-away" not in email.body
        assert "partner_b" not in email.to[0]


def test_send_reminders_command_runs_the_dispute_sweep(dispute, capsys):
    when = (dispute.response_due_at + timedelta(hours=1)).isoformat()
    call_command("send_reminders", "--now", when)
    out = capsys.readouterr().out
    assert "disputes: 1" in out
    call_command("send_reminders", "--now", when)
    assert "disputes: 0" in capsys.readouterr().out


def test_email_about_a_dispute_resolved_meanwhile_is_dropped(dispute, manager, partner_a):
    when = dispute.response_due_at + timedelta(hours=1)
    sweep_overdue_disputes(when)
    move(dispute, partner_a, "vendor_responded")
    move(dispute, manager, "under_review", "resolved")
    assert send_outbox(when) == 0
    assert mail.outbox == []
    reminders = EmailOutbox.objects.filter(reminder__isnull=False)
    assert set(reminders.values_list("status", flat=True)) == {"dropped"}


def test_a_repeat_sweep_skips_sent_reminders_in_a_bounded_number_of_queries(
    manager, vendor_a, django_assert_max_num_queries
):
    for n in range(12):
        d = make_dispute(
            vendor=vendor_a,
            by=manager,
            severity="high",
            now=CREATED,
            owner=manager,
            title=f"Outage {n}",
        )
        move(d, manager, "awaiting_vendor")
    when = CREATED + timedelta(days=2, hours=1)  # past the response clock, before the ladder
    assert sweep_overdue_disputes(when) == 12
    with django_assert_max_num_queries(4):
        assert sweep_overdue_disputes(when + timedelta(minutes=15)) == 0
