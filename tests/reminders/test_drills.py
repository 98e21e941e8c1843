"""Reliability drills with the real services: PostgreSQL, a private Redis, Celery
workers and an SMTP server. Each breaks something mid-work, lets the system recover as
it would in production (beat keeps running), then counts every reminder, notification
and e-mail (by Message-ID, at the SMTP server) against the expectation computed from
the data: nothing lost, nothing duplicated (issue 15, "Reliability under faults").

Scaled to run in CI in a few minutes; the figures are printed (``-s``) and recorded in
docs/security.md. CI runs them (marker ``drill``); without PostgreSQL, REDIS_URL or a
``redis-server`` binary they are skipped.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from disputes.models import Dispute
from tests.redis_server import RedisServer
from tests.reminders.drill_support import (
    DrillWorker,
    check_exactly_once,
    in_flight,
    make_overdue_disputes,
    settle,
    wait_for,
)
from tests.smtp_server import SmtpServer
from vendorhub.models import EmailOutbox, OutboxStatus, Reminder, SweepRun

pytestmark = [pytest.mark.drill, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
KILLS = 25


@pytest.fixture(autouse=True)
def _real_services():
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("drills need PostgreSQL and Redis (CI runs them)")
    if not RedisServer.available():
        pytest.skip("drills need redis-server to start a private one")


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def cast(manager, executive, partner_a, vendor_a):
    return {"owner": manager, "partner": partner_a, "executive": executive}


def report(name: str, figures: dict) -> None:
    print(f"\nDRILL {name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))


def test_worker_sigkilled_at_random_points_of_sweeps_and_sending(
    cast, vendor_a, manager, redis_server, smtp, tmp_path
):
    """Each kill interrupts real work: before it, a few more disputes fall due (held
    back until then with a plain UPDATE), beat asks for a sweep and a drain, and the
    drill waits until a sweep (even kills) or an SMTP send (odd kills) is under way,
    then kills at a random instant. Every tenth kill takes the whole worker (the task
    comes back after Redis's visibility timeout), the others the pool process."""
    disputes = make_overdue_disputes(2 * KILLS, vendor=vendor_a, manager=manager)
    held = Dispute.objects.filter(pk__in=[d.pk for d in disputes])
    held.update(status="closed")
    seed = int(os.environ.get("DRILL_SEED", time.time()))
    rng = random.Random(seed)
    worker = DrillWorker(redis_server.url, smtp.url, tmp_path / "worker.log").start()
    hits = {"kills": 0, "during_sweep": 0, "during_sending": 0, "whole_worker": 0}
    last_kill = timezone.now()
    try:
        assert wait_for(lambda: len(worker.children()) == 1, 60), worker.tail()
        for n in range(KILLS):
            held.filter(pk__in=[d.pk for d in disputes[2 * n : 2 * n + 2]]).update(
                status="awaiting_vendor"
            )
            worker.beat()
            target = 0 if n % 2 == 0 else 1  # a sweep, or an SMTP send

            def busy(since=last_kill, target=target):
                return in_flight(since=since)[target] > 0

            # Generous: on a loaded 2-core machine a sweep can take seconds to start.
            wait_for(busy, 15, step=0.02)
            time.sleep(rng.uniform(0, 0.3))
            sweeping, sending = in_flight(since=last_kill)
            if n % 10 == 4:
                worker.kill()
                hits["whole_worker"] += 1
                worker.start()
                assert wait_for(lambda: len(worker.children()) == 1, 60), worker.tail()
            else:
                assert worker.kill_child(), worker.tail()
            hits["kills"] += 1
            hits["during_sweep"] += bool(sweeping)
            hits["during_sending"] += bool(sending)
            last_kill = timezone.now()
        figures = settle(worker, smtp, manager)
    finally:
        worker.stop()
    # The drill must really have interrupted both kinds of work; how many kills land in
    # each depends on the machine's load, so the floor is a fifth of the kills, not a half.
    assert hits["during_sweep"] >= KILLS // 5 and hits["during_sending"] >= KILLS // 5, hits
    figures |= check_exactly_once(disputes, smtp, **cast)
    report("worker kills", {"seed": seed, **hits, **figures})


def test_two_beats_two_workers_send_each_reminder_once(
    cast, vendor_a, manager, redis_server, smtp, tmp_path
):
    disputes = make_overdue_disputes(20, vendor=vendor_a, manager=manager)
    workers = [
        DrillWorker(redis_server.url, smtp.url, tmp_path / f"worker{n}.log").start()
        for n in range(2)
    ]
    try:
        assert wait_for(lambda: all(len(w.children()) == 1 for w in workers), 60)
        for _ in range(2):
            for worker in workers:  # each "beat" asks for the same work at once
                worker.beat()
            time.sleep(0.5)
        figures = settle(workers[0], smtp, manager)
        runs = SweepRun.objects.filter(finished_at__isnull=False).count()
    finally:
        for worker in workers:
            worker.stop()
    figures |= check_exactly_once(disputes, smtp, **cast)
    report("two beats", {"sweep_runs": runs, **figures})


def _run_web(code: str, env: dict[str, str], timeout: float = 60) -> tuple[str, float]:
    """Run Django code in a fresh process (its own settings: the private Redis)."""
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        cwd=ROOT,
        env={**base, "VENDORHUB_TESTING": "1", "ALLOWED_HOSTS": "localhost", "AXES_ENABLED": "0"}
        | env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip(), time.monotonic() - started


# The first request of a process imports every URLconf: warm up, then time the second.
WARM_UP = "from django.test import Client; Client().get('/healthz', headers={'host': 'localhost'});"
HEALTHZ = WARM_UP + (
    "import time; t = time.monotonic();"
    "r = Client().get('/healthz', headers={'host': 'localhost'});"
    "print(r.status_code, r.json()['status'], r.json()['checks']['broker']['status'],"
    " round(time.monotonic() - t, 2))"
)


def _comment(dispute_pk: int, user_pk: int, body: str) -> str:
    return WARM_UP + (
        "from vendorhub.models import User;"
        "from disputes.models import Dispute; import time;"
        f"c = Client(); c.force_login(User.objects.get(pk={user_pk}));"
        f"d = Dispute.objects.get(pk={dispute_pk}); t = time.monotonic();"
        "r = c.post(d.get_absolute_url() + 'comment/',"
        f" {{'body': '{body}', 'visibility': 'shared', 'version': d.version}},"
        " headers={'host': 'localhost'});"
        "print(r.status_code, round(time.monotonic() - t, 2))"
    )


def test_redis_frozen_then_killed_nothing_hangs_and_the_next_run_recovers_everything(
    cast, vendor_a, manager, redis_server, smtp, tmp_path
):
    disputes = make_overdue_disputes(20, vendor=vendor_a, manager=manager)
    worker = DrillWorker(redis_server.url, smtp.url, tmp_path / "worker.log")
    web_env = worker.env()
    worker.start()
    figures: dict[str, object] = {}
    try:
        assert wait_for(lambda: len(worker.children()) == 1, 60), worker.tail()
        worker.beat()
        assert wait_for(lambda: Reminder.objects.count() >= 5, 60), worker.tail()
        redis_server.freeze()  # mid-sweep: the worker's acks and publishes now time out
        out, _ = _run_web(HEALTHZ, web_env)
        code, status, broker, seconds = out.split()
        assert (code, status, broker) == ("200", "degraded", "error")
        assert float(seconds) < 2.5, out
        figures["healthz_frozen_s"] = seconds
        out, _ = _run_web(_comment(disputes[0].pk, manager.pk, "Frozen broker"), web_env)
        code, seconds = out.split()
        assert code in {"200", "302"} and float(seconds) < 8, out  # saved, no 500, no hang
        figures["comment_frozen_s"] = seconds
        time.sleep(3)
        redis_server.thaw()
        redis_server.stop()  # killed: every queued task is gone with it
        out, _ = _run_web(HEALTHZ, web_env)
        assert out.split()[1:3] == ["degraded", "error"], out
        figures["healthz_down_s"] = out.split()[3]
        out, _ = _run_web(_comment(disputes[1].pk, manager.pk, "Broker down"), web_env)
        assert out.split()[0] in {"200", "302"}, out
        time.sleep(2)
        redis_server.start()  # same port, empty: the next beat must recover everything
        figures |= settle(worker, smtp, manager)
    finally:
        redis_server.thaw()
        worker.stop()
    # The comments were saved once each, in spite of the broker.
    from disputes.models import DisputeEvent

    assert DisputeEvent.objects.filter(body__in=["Frozen broker", "Broker down"]).count() == 2
    # Their own notifications are not part of the sweep's expectation.
    from vendorhub.models import Notification

    comment_mails = EmailOutbox.objects.exclude(reminder__isnull=False)
    assert {row.status for row in comment_mails} <= {OutboxStatus.SENT}
    received = smtp.recorder.counts()
    assert all(received[row.message_id] == 1 for row in comment_mails)
    Notification.objects.filter(kind="dispute_comment").delete()
    smtp.recorder.forget({row.message_id for row in comment_mails})
    comment_mails.delete()
    figures |= check_exactly_once(disputes, smtp, **cast)
    report("redis frozen and killed", figures)


def test_postgresql_connections_terminated_mid_sweep(
    cast, vendor_a, manager, redis_server, smtp, tmp_path
):
    disputes = make_overdue_disputes(30, vendor=vendor_a, manager=manager)
    worker = DrillWorker(redis_server.url, smtp.url, tmp_path / "worker.log").start()
    terminated = 0
    try:
        assert wait_for(lambda: len(worker.children()) == 1, 60), worker.tail()
        worker.beat()
        with connections["default"].cursor() as cursor:
            for _ in range(6):
                time.sleep(random.uniform(0.2, 0.8))
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = %s",
                    [worker.app_name],
                )
                terminated += cursor.fetchone()[0]
        figures = settle(worker, smtp, manager)
    finally:
        worker.stop()
    assert terminated >= 3
    figures |= check_exactly_once(disputes, smtp, **cast)
    report("postgresql connections terminated", {"terminated": terminated, **figures})


def test_one_malformed_row_among_thousands(vendor_a, vendor_b, manager, partner_a, client_for):
    """Every other reminder goes out; the failures are named and shown to managers."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from meetings.models import ActionItem, Attendance, Meeting, MeetingSeries
    from tests.meetings.factories import MeetingFactory, MeetingSeriesFactory
    from vendorhub.models import Notification, SweepFailure, User

    now = timezone.now().replace(microsecond=0)
    meeting = MeetingFactory(vendor=vendor_a, start=now - timedelta(days=30), organiser=manager)
    Meeting.objects.filter(pk=meeting.pk).update(status="held")
    items = [
        ActionItem(
            vendor=vendor_a,
            meeting=meeting,
            title=f"Follow up {n}",
            side="client",
            owner=manager,
            due_date=(now - timedelta(days=2)).date(),
        )
        for n in range(1000)
    ]
    ActionItem.objects.bulk_create(items)
    good = MeetingSeriesFactory(vendor=vendor_b, owner=manager, starts_on=now.date())
    bad = MeetingSeriesFactory(vendor=vendor_a, owner=manager, starts_on=now.date())
    MeetingSeries.objects.filter(pk=bad.pk).update(standing_agenda="x" * 301)
    tomorrow = MeetingFactory(vendor=vendor_a, start=now + timedelta(hours=20), organiser=manager)
    for user in (manager, partner_a):
        Attendance.objects.create(
            vendor=vendor_a, meeting=tomorrow, user=user, side=user.side, status="accepted"
        )
    User.objects.filter(pk=partner_a.pk).update(timezone="Mars/Olympus_Mons")  # legacy

    started = time.monotonic()
    with pytest.raises(CommandError) as raised:
        call_command("send_reminders", "--now", now.isoformat())
    seconds = round(time.monotonic() - started, 1)
    assert "2 object(s) failed" in str(raised.value)
    assert Notification.objects.filter(kind="action_item.overdue").count() == 1000
    assert Notification.objects.filter(kind="meeting.upcoming", recipient=manager).count() == 1
    assert Meeting.objects.filter(series=good).exists()
    assert not Meeting.objects.filter(series=bad).exists()
    failures = {(f.sweep, f.object_id, f.detail) for f in SweepFailure.objects.all()}
    assert failures == {
        ("meeting_occurrences", bad.pk, ""),
        ("meeting_upcoming", tomorrow.pk, f"user-{partner_a.pk}"),
    }
    page = client_for(manager).get("/operations/reminders/").content.decode()
    assert "Objects the sweeps fail on" in page and "ZoneInfoNotFoundError" in page
    report(
        "one malformed row",
        {"objects": 1004, "reminders_sent": 1001, "failed": 2, "seconds": seconds},
    )
