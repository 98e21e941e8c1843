"""remind(): exactly-once reminders with notifications and the e-mail outbox; digests."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection

from vendorhub.digests import send_digests
from vendorhub.models import EmailOutbox, Notification, OutboxStatus, Reminder
from vendorhub.outbox import requeue_stale_claims, send_outbox
from vendorhub.reminders import remind

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def send(vendor, recipients, stage="overdue", due=NOW):
    return remind(
        kind="dispute.overdue",
        obj=vendor,
        stage=stage,
        due_at=due,
        recipients=recipients,
        message="DSP-2026-0007 is past its response due date",
        url="/vendors/acme-contact/",
        vendor=vendor,
        now=NOW,
    )


@pytest.mark.django_db
def test_a_reminder_is_sent_once_however_often_the_sweep_runs(manager, partner_a, vendor_a):
    assert send(vendor_a, [manager, partner_a]) is True
    assert send(vendor_a, [manager, partner_a]) is False
    assert Reminder.objects.count() == 1
    assert Notification.objects.filter(kind="dispute.overdue").count() == 2
    assert EmailOutbox.objects.count() == 2


@pytest.mark.django_db
def test_a_new_stage_or_due_instant_is_a_new_reminder(manager, vendor_a):
    send(vendor_a, [manager])
    send(vendor_a, [manager], stage="escalated-1")
    send(vendor_a, [manager], due=NOW + timedelta(days=3))
    assert Reminder.objects.count() == 3


@pytest.mark.django_db
def test_partner_of_another_vendor_is_never_told(manager, partner_b, vendor_a):
    send(vendor_a, [manager, partner_b])
    assert not Notification.objects.filter(recipient=partner_b).exists()
    assert not EmailOutbox.objects.filter(recipient=partner_b).exists()


@pytest.mark.django_db
def test_email_follows_each_users_preference(manager, executive, partner_a, vendor_a):
    executive.notification_delivery = "digest"
    executive.save()
    partner_a.notification_delivery = "in_app"
    partner_a.save()
    manager.email = ""
    manager.save()
    send(vendor_a, [manager, executive, partner_a])
    assert Notification.objects.count() == 3  # everyone sees it in the app
    assert EmailOutbox.objects.count() == 0  # no address, digest later, in-app only


@pytest.mark.django_db
def test_outbox_sends_html_and_text_with_a_preferences_link(manager, vendor_a):
    send(vendor_a, [manager])
    assert send_outbox(NOW) == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [manager.email]
    assert "DSP-2026-0007" in email.subject
    assert "/accounts/profile/" in email.body
    html = email.alternatives[0].content
    assert "Open in VendorHub" in html and "/vendors/acme-contact/" in html
    row = EmailOutbox.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)
    assert send_outbox(NOW) == 0  # nothing is sent twice


@pytest.mark.django_db
def test_failed_delivery_is_retried_with_capped_backoff_for_the_window_then_failed(
    manager, vendor_a, settings
):
    # A real SMTP connection to a port where nothing listens.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    settings.OUTBOX_RETRY_WINDOW = timedelta(hours=3)
    send(vendor_a, [manager])
    now, gaps = NOW, []
    while True:
        assert send_outbox(now) == 0
        row = EmailOutbox.objects.get()
        assert "ConnectionRefused" in row.last_error
        if row.status == OutboxStatus.FAILED:
            break
        assert row.status == OutboxStatus.PENDING
        assert send_outbox(now) == 0  # backed off: not due again yet
        gaps.append(row.send_after - now)
        now = row.send_after
    minutes = [gap / timedelta(minutes=1) for gap in gaps]
    assert minutes[:6] == [1, 2, 4, 8, 16, 30]
    assert max(minutes) == 30  # capped
    assert row.attempts == len(gaps) + 1
    # Given up only when the next try would fall outside the window, not before.
    assert NOW + timedelta(hours=3) - timedelta(minutes=30) < now <= NOW + timedelta(hours=3)


@pytest.mark.django_db
def test_stale_claims_are_put_back(manager, vendor_a):
    send(vendor_a, [manager])
    EmailOutbox.objects.update(status=OutboxStatus.CLAIMED, claimed_at=NOW - timedelta(hours=1))
    assert requeue_stale_claims(NOW) == 1
    assert send_outbox(NOW) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_fresh_claims_are_left_alone(manager, vendor_a):
    send(vendor_a, [manager])
    EmailOutbox.objects.update(status=OutboxStatus.CLAIMED, claimed_at=NOW)
    assert requeue_stale_claims(NOW + timedelta(minutes=1)) == 0


@pytest.mark.django_db
def test_daily_digest_gathers_unread_notifications_once_a_day(executive, vendor_a, manager):
    executive.notification_delivery = "digest"
    executive.save()
    send(vendor_a, [executive])
    send(vendor_a, [executive], stage="escalated-1")
    Notification.objects.update(created_at=NOW - timedelta(hours=2))
    assert send_digests(NOW) == 1
    assert send_digests(NOW + timedelta(hours=1)) == 0  # same day: nothing twice
    send_outbox(NOW)
    assert len(mail.outbox) == 1
    assert "2 new" in mail.outbox[0].subject
    assert mail.outbox[0].body.count("DSP-2026-0007") == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_send_one_reminder(manager, vendor_a):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions (PostgreSQL)")
    barrier = threading.Barrier(4)
    results = []

    def worker():
        from django.db import connections

        try:
            barrier.wait()
            results.append(send(vendor_a, [manager]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [False, False, False, True]
    assert Reminder.objects.count() == 1
    assert Notification.objects.count() == 1
    assert EmailOutbox.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_outbox_senders_never_send_the_same_email(manager, vendor_a, executive):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL")
    for stage in range(10):
        send(vendor_a, [manager, executive], stage=f"s{stage}")
    barrier = threading.Barrier(3)
    sent = []

    def sender():
        from django.db import connections

        try:
            barrier.wait()
            sent.append(send_outbox(NOW, batch=7))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(sent) == 20
    assert len(mail.outbox) == 20
    # Each row was claimed and sent exactly once.
    rows = EmailOutbox.objects.all()
    assert {(row.status, row.attempts) for row in rows} == {(OutboxStatus.SENT, 1)}


@pytest.mark.django_db
def test_a_task_redelivered_too_often_is_dropped_not_looped(settings):
    from django.core.cache import cache

    from vendorhub.tasks import MAX_DELIVERIES, requeue_stale_outbox

    settings.CELERY_TASK_ALWAYS_EAGER = True
    cache.delete("celery-deliveries:poison-1")
    results = [
        requeue_stale_outbox.apply(task_id="poison-1").result for _ in range(MAX_DELIVERIES + 2)
    ]
    assert results[:MAX_DELIVERIES] == [0] * MAX_DELIVERIES
    assert results[MAX_DELIVERIES:] == [None, None]
