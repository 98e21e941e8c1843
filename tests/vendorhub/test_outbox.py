"""The e-mail outbox against a real SMTP server: a stable Message-ID per e-mail, an hour
of outage survived, nothing sent twice when delivery is uncertain, and managers who can
send a failed e-mail again (issue 15, "Reliability under faults")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection

from tests.smtp_server import SmtpServer
from vendorhub import outbox, outbox_kick
from vendorhub.models import EmailOutbox, OutboxStatus
from vendorhub.outbox import requeue_stale_claims, send_outbox
from vendorhub.reminders import remind

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def smtp(settings):
    server = SmtpServer().start()
    settings.MAILERS = server.mailer_settings(timeout=2)
    yield server
    server.stop()


def queue(vendor, recipients, n: int = 1) -> list[EmailOutbox]:
    for stage in range(n):
        remind(
            kind="dispute.overdue",
            obj=vendor,
            stage=f"s{stage}",
            due_at=NOW,
            recipients=recipients,
            message=f"DSP-2026-{stage:04d} is past its response due date",
            vendor=vendor,
            now=NOW,
        )
    return list(EmailOutbox.objects.order_by("pk"))


@pytest.mark.django_db
def test_each_email_carries_a_message_id_derived_from_its_row(smtp, manager, vendor_a):
    (row,) = queue(vendor_a, [manager])
    smtp.recorder.mode = "refuse"
    assert send_outbox(NOW) == 0
    smtp.recorder.mode = "accept"
    row.refresh_from_db()
    assert send_outbox(row.send_after) == 1
    assert smtp.recorder.message_ids == [row.message_id]
    assert row.message_id == f"<outbox-{row.uuid}@localhost>"


@pytest.mark.django_db
@pytest.mark.parametrize("outage", ["down", "refusing"])
def test_an_hour_of_smtp_outage_then_every_email_delivered_exactly_once(
    smtp, manager, executive, vendor_a, outage
):
    rows = queue(vendor_a, [manager, executive], n=30)  # 60 e-mails
    # An hour of beat runs, one a minute, against a relay that is down (connection
    # refused) or up but refusing every message (451).
    if outage == "down":
        smtp.stop()
    else:
        smtp.recorder.mode = "refuse"
    for minute in range(60):
        assert send_outbox(NOW + timedelta(minutes=minute)) == 0
    assert set(EmailOutbox.objects.values_list("status", flat=True)) == {OutboxStatus.PENDING}
    assert max(EmailOutbox.objects.values_list("attempts", flat=True)) <= 7
    if outage == "down":
        smtp.start()
    smtp.recorder.mode = "accept"
    sent = sum(send_outbox(NOW + timedelta(minutes=m)) for m in range(60, 95))
    assert sent == len(rows) == 60
    counts = smtp.recorder.counts()
    assert set(counts) == {row.message_id for row in rows}
    assert set(counts.values()) == {1}  # no duplicate
    assert set(EmailOutbox.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


@pytest.mark.django_db
def test_one_run_drains_more_than_a_batch_over_few_connections(smtp, manager, vendor_a):
    rows = queue(vendor_a, [manager], n=120)
    assert send_outbox(NOW) == 120
    assert len(smtp.recorder.counts()) == len(rows)
    assert smtp.recorder.connections == 120 // outbox.CLAIM_BATCH


@pytest.mark.django_db
def test_an_address_refused_for_good_fails_at_once(smtp, manager, vendor_a):
    queue(vendor_a, [manager])
    smtp.recorder.mode = "reject_rcpt"
    send_outbox(NOW)
    row = EmailOutbox.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert "550" in row.last_error


@pytest.mark.django_db
def test_a_connection_dropped_after_the_message_is_uncertain_and_never_resent(
    smtp, manager, vendor_a
):
    (row,) = queue(vendor_a, [manager])
    smtp.recorder.mode = "drop"
    assert send_outbox(NOW) == 0
    row.refresh_from_db()
    assert row.status == OutboxStatus.UNKNOWN
    smtp.recorder.mode = "accept"
    later = NOW + timedelta(hours=2)
    requeue_stale_claims(later)
    assert send_outbox(later) == 0
    assert smtp.recorder.counts() == {row.message_id: 1}  # the server had it, once


@pytest.mark.django_db
def test_a_dead_senders_claims_go_back_but_its_smtp_transaction_is_not_repeated(
    smtp, manager, executive, vendor_a
):
    waiting, in_smtp = queue(vendor_a, [manager, executive])
    EmailOutbox.objects.filter(pk=waiting.pk).update(status=OutboxStatus.CLAIMED, claimed_at=NOW)
    EmailOutbox.objects.filter(pk=in_smtp.pk).update(
        status=OutboxStatus.SENDING, claimed_at=NOW, attempts=1
    )
    assert requeue_stale_claims(NOW + timedelta(minutes=5)) == 0  # still fresh
    assert requeue_stale_claims(NOW + timedelta(minutes=11)) == 2
    waiting.refresh_from_db()
    in_smtp.refresh_from_db()
    assert (waiting.status, in_smtp.status) == (OutboxStatus.PENDING, OutboxStatus.UNKNOWN)
    assert send_outbox(NOW + timedelta(minutes=11)) == 1
    assert smtp.recorder.message_ids == [waiting.message_id]


@pytest.mark.django_db
def test_resend_unknown_policy_sends_again_with_the_same_message_id(
    smtp, manager, vendor_a, settings
):
    settings.OUTBOX_RESEND_UNKNOWN = True
    (row,) = queue(vendor_a, [manager])
    EmailOutbox.objects.update(status=OutboxStatus.SENDING, claimed_at=NOW, attempts=1)
    requeue_stale_claims(NOW + timedelta(minutes=11))
    assert send_outbox(NOW + timedelta(minutes=11)) == 1
    assert smtp.recorder.message_ids == [row.message_id]


@pytest.mark.django_db
def test_a_soft_time_limit_is_not_recorded_as_an_smtp_failure(smtp, manager, vendor_a, monkeypatch):
    rows = queue(vendor_a, [manager], n=3)
    real = outbox._deliver
    calls = []

    def deliver(mailer, message):
        calls.append(message)
        if len(calls) == 2:
            raise SoftTimeLimitExceeded()
        real(mailer, message)

    monkeypatch.setattr(outbox, "_deliver", deliver)
    with pytest.raises(SoftTimeLimitExceeded):
        send_outbox(NOW)
    first, second, third = (EmailOutbox.objects.get(pk=r.pk) for r in rows)
    assert first.status == OutboxStatus.SENT
    assert second.status == OutboxStatus.UNKNOWN  # interrupted inside the SMTP exchange
    assert (third.status, third.attempts, third.last_error) == (OutboxStatus.PENDING, 0, "")


@pytest.mark.django_db(transaction=True)
def test_the_sent_mark_survives_a_lost_database_connection(smtp, manager, vendor_a, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("terminates a PostgreSQL backend")
    (row,) = queue(vendor_a, [manager])
    real = outbox._deliver

    def deliver_then_lose_the_database(mailer, message):
        real(mailer, message)
        pid = connection.connection.info.backend_pid
        from django.db import connections

        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            other.close()

    monkeypatch.setattr(outbox, "_deliver", deliver_then_lose_the_database)
    assert send_outbox(NOW) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert smtp.recorder.counts() == {row.message_id: 1}


# --- The operations page: failed and uncertain e-mails ------------------------------
@pytest.mark.django_db
def test_manager_sends_a_failed_email_again_and_it_is_audited(smtp, client_for, manager, vendor_a):
    (row,) = queue(vendor_a, [manager])
    smtp.recorder.mode = "reject_rcpt"
    send_outbox(NOW)
    client = client_for(manager)
    page = client.get("/operations/reminders/").content.decode()
    assert "E-mails that need a decision" in page and row.message_id in page.replace(
        "&lt;", "<"
    ).replace("&gt;", ">")
    smtp.recorder.mode = "accept"
    response = client.post(f"/operations/reminders/emails/{row.pk}/", {"action": "send_again"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and row.retry_until > row.send_after
    assert send_outbox(row.send_after) == 1
    assert smtp.recorder.counts() == {row.message_id: 1}
    audit = row.history.filter(history_user=manager)
    assert audit.count() == 1 and audit.get().status == OutboxStatus.PENDING


@pytest.mark.django_db
def test_manager_marks_an_uncertain_email_sent(client_for, manager, vendor_a):
    (row,) = queue(vendor_a, [manager])
    EmailOutbox.objects.update(status=OutboxStatus.UNKNOWN)
    client = client_for(manager)
    client.post(f"/operations/reminders/emails/{row.pk}/", {"action": "mark_sent"})
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert row.history.get().history_user == manager


@pytest.mark.django_db
def test_a_sent_email_cannot_be_sent_again(client_for, manager, vendor_a):
    (row,) = queue(vendor_a, [manager])
    EmailOutbox.objects.update(status=OutboxStatus.SENT)
    response = client_for(manager).post(
        f"/operations/reminders/emails/{row.pk}/", {"action": "send_again"}, follow=True
    )
    assert "Only failed or uncertain" in response.content.decode()
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["executive", "partner_a"])
def test_other_roles_may_not_decide(request, client_for, manager, vendor_a, who):
    (row,) = queue(vendor_a, [manager])
    EmailOutbox.objects.update(status=OutboxStatus.FAILED)
    client = client_for(request.getfixturevalue(who))
    response = client.post(f"/operations/reminders/emails/{row.pk}/", {"action": "send_again"})
    assert response.status_code == 403
    assert EmailOutbox.objects.get().status == OutboxStatus.FAILED


@pytest.mark.django_db
def test_the_action_needs_post_and_csrf(manager, vendor_a):
    from django.test import Client

    (row,) = queue(vendor_a, [manager])
    EmailOutbox.objects.update(status=OutboxStatus.FAILED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    url = f"/operations/reminders/emails/{row.pk}/"
    assert client.get(url).status_code == 405
    assert client.post(url, {"action": "send_again"}).status_code == 403  # no CSRF token
    assert EmailOutbox.objects.get().status == OutboxStatus.FAILED


# --- One sender per sweep, not one per reminder -------------------------------------
@pytest.mark.django_db
def test_a_sweep_asks_for_one_sender_however_many_emails_it_queues(
    manager, partner_a, vendor_a, monkeypatch, django_capture_on_commit_callbacks
):
    from disputes.reminders import sweep_overdue_disputes
    from tests.disputes.factories import make_dispute, move

    for n in range(15):
        move(
            make_dispute(vendor=vendor_a, by=manager, now=NOW, owner=manager, title=f"D{n}"),
            manager,
            "awaiting_vendor",
        )
    kicks = []
    monkeypatch.setattr(outbox_kick, "outbox_kick", lambda: kicks.append(1) or True)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_overdue_disputes(NOW + timedelta(days=6)) == 15
    assert EmailOutbox.objects.filter(reminder__isnull=False).count() == 30
    assert len(kicks) == 1


@pytest.mark.django_db
def test_asking_for_a_sender_needs_no_task_import_and_never_raises(settings):
    """The kick publishes by task name: a web process that never imported
    vendorhub.tasks can send it, and a broker error is logged, not raised."""
    if not settings.REDIS_URL:
        pytest.skip("needs the real broker")
    outbox_kick._kick_failed_at = None
    assert outbox_kick.outbox_kick() is True
