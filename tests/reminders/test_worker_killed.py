"""A real Celery worker killed with SIGKILL in the middle of a sweep loses nothing and
duplicates nothing once a worker runs again (acks_late + reject_on_worker_lost, Redis
redelivery after the visibility timeout, idempotent reminders).

Needs the real services: PostgreSQL (the worker process shares the test database) and
Redis (REDIS_URL). CI runs it; a laptop on SQLite skips it.
"""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from disputes.reminders import sweep_overdue_disputes
from tests.celery_worker import start_worker
from tests.disputes.factories import make_dispute
from vendorhub.models import Notification, Reminder, SweepRun
from vendorhub.tasks import send_reminders

DISPUTES = 400


def worker_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return {
        "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }


def start(queue: str, log: Path) -> subprocess.Popen:
    return start_worker(f"{queue},celery", env=worker_env(), output=log.open("a"))


def wait_for(predicate, timeout: float, worker: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if worker is not None and worker.poll() is not None:
            return False
        time.sleep(0.05)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_sweep_then_restarted_delivers_every_reminder_once(
    manager, vendor_a, partner_a, tmp_path
):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL and Redis (CI runs it)")
    long_ago = timezone.now() - timedelta(days=1)
    for n in range(DISPUTES):
        make_dispute(
            vendor=vendor_a,
            by=manager,
            severity="critical",
            title=f"Outage {n}",
            now=long_ago,
            owner=manager,
        )
    queue = f"kill-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"

    first = start(queue, log)
    try:
        send_reminders.apply_async(queue=queue)
        started = wait_for(lambda: Reminder.objects.count() >= 5, 120, first)
        assert started, log.read_text()[-3000:]
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        at_kill = Reminder.objects.count()
        assert at_kill < DISPUTES, "the sweep finished before the kill; raise DISPUTES"
    finally:
        if first.poll() is None:
            first.kill()

    second = start(queue, log)
    try:
        # The unacknowledged task comes back after the visibility timeout and finishes.
        done = wait_for(
            lambda: SweepRun.objects.filter(finished_at__isnull=False).exists(), 180, second
        )
        assert done, log.read_text()[-3000:]
    finally:
        second.terminate()
        second.wait(30)

    assert Reminder.objects.count() == DISPUTES  # one response-overdue reminder each
    reminded = Notification.objects.filter(kind="dispute.response_overdue")
    assert reminded.count() == DISPUTES * 2  # the owner and the partner, once each
    assert reminded.values("recipient", "url").distinct().count() == DISPUTES * 2
    # Nothing was lost: a fresh sweep finds nothing left to send.
    assert sweep_overdue_disputes(timezone.now()) == 0
