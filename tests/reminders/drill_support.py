"""What the reliability drills share: the data, the independent expectation, a worker
on a private Redis that sends to a real SMTP server, and waiting for quiet.

The expectation is computed from the data the drill made, not from what the code did:
every overdue dispute owes a response and a resolution reminder (owner and partner)
and two escalation notices (owner, partner and executive), i.e. four reminders, ten
notifications and ten e-mails, each exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from celery import Celery
from django.conf import settings
from django.utils import timezone

from disputes.models import Dispute, DisputeEvent
from tests.celery_worker import start_worker, worker_children
from tests.disputes.factories import make_dispute, move
from vendorhub.models import EmailOutbox, Notification, OutboxStatus, Reminder, SweepRun
from vendorhub.outbox import outbox_mark_sent, outbox_send_again, requeue_stale_claims

STAGES = {"response", "resolution", "level-1", "level-2"}


def make_overdue_disputes(n: int, *, vendor, manager) -> list[Dispute]:
    """``n`` high-severity disputes logged ten days ago, waiting on the vendor: both
    clocks are overdue and the ladder has reached level 2 (3 and 7 days)."""
    ten_days_ago = timezone.now() - timedelta(days=10)
    disputes = [
        move(
            make_dispute(
                vendor=vendor,
                by=manager,
                severity="high",
                now=ten_days_ago,
                owner=manager,
                title=f"Drill {n}",
            ),
            manager,
            "awaiting_vendor",
        )
        for n in range(n)
    ]
    # Only the sweep's own notifications and e-mails are counted by the drill.
    Notification.objects.all().delete()
    EmailOutbox.objects.all().delete()
    return disputes


def expected_notifications(disputes, *, owner, partner, executive) -> Counter:
    """(recipient, kind, url) → 1 for everything the sweeps owe these disputes."""
    expected: Counter = Counter()
    for dispute in disputes:
        url = dispute.get_absolute_url()
        for kind in ("dispute.response_overdue", "dispute.resolution_overdue"):
            for person in (owner, partner):
                expected[(person.pk, kind, url)] += 1
        for person in (owner, partner, executive):
            expected[(person.pk, "dispute.escalated", url)] += 2  # levels 1 and 2
    return expected


def check_exactly_once(disputes, smtp, *, owner, partner, executive) -> dict[str, int]:
    """Assert nothing lost, nothing duplicated; return the figures."""
    expected = expected_notifications(disputes, owner=owner, partner=partner, executive=executive)
    got = Counter(Notification.objects.values_list("recipient_id", "kind", "url"))
    assert got == expected, f"notifications: missing {expected - got}, extra {got - expected}"
    ids = [d.pk for d in disputes]
    stages = Counter(Reminder.objects.filter(object_id__in=ids).values_list("stage", flat=True))
    assert stages == dict.fromkeys(STAGES, len(disputes)), stages
    events = Counter(
        DisputeEvent.objects.filter(
            dispute_id__in=ids, kind__in=["reminder", "escalation"]
        ).values_list("kind", flat=True)
    )
    assert events == {"reminder": 2 * len(disputes), "escalation": 2 * len(disputes)}, events
    assert set(Dispute.objects.filter(pk__in=ids).values_list("escalation_level", flat=True)) == {2}
    rows = list(EmailOutbox.objects.all())
    assert len(rows) == sum(expected.values())  # every recipient wants e-mail now
    assert {row.status for row in rows} == {OutboxStatus.SENT}
    received = smtp.recorder.counts()
    wanted = {row.message_id for row in rows}
    assert not wanted - set(received), f"{len(wanted - set(received))} e-mail(s) lost"
    assert not set(received) - wanted, f"{len(set(received) - wanted)} unexpected e-mail(s)"
    duplicates = sum(count - 1 for count in received.values())
    assert duplicates == 0, f"{duplicates} duplicate e-mail(s)"
    return {
        "reminders": sum(stages.values()),
        "notifications": sum(got.values()),
        "emails": len(received),
        "lost": 0,
        "duplicated": duplicates,
    }


class DrillWorker:
    """A prefork Celery worker (one child) on a private Redis, sending to ``smtp``."""

    def __init__(self, redis_url: str, smtp_url: str, log: Path, *, app_name: str = "") -> None:
        self.redis_url = redis_url
        self.smtp_url = smtp_url
        self.log = log
        self.app_name = app_name or f"vh-drill-{uuid.uuid4().hex[:6]}"
        self.process: subprocess.Popen | None = None
        self.client = Celery("drill", broker=redis_url, set_as_current=False)
        self.client.conf.broker_connection_timeout = 2
        self.client.conf.broker_transport_options = {"socket_timeout": 3}

    def env(self) -> dict[str, str]:
        db = settings.DATABASES["default"]
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return {
            "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            f"?application_name={self.app_name}",
            "REDIS_URL": self.redis_url,
            "EMAIL_URL": self.smtp_url,
            "EMAIL_TIMEOUT": "5",
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "LOG_LEVEL": "WARNING",
        }

    def start(self) -> DrillWorker:
        self.process = start_worker(
            "celery", env=self.env(), output=self.log.open("a"), pool="prefork"
        )
        return self

    def children(self) -> list[int]:
        return worker_children(self.process) if self.process is not None else []

    def kill_child(self) -> bool:
        """SIGKILL the process running the task (the parent forks a new one)."""
        assert self.process is not None
        wait_for(lambda: bool(self.children()), 10)  # the last one may still be forking
        children = worker_children(self.process)
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        return bool(children)

    def kill(self) -> None:
        """SIGKILL the whole worker, children first."""
        if self.process is None:
            return
        for pid in worker_children(self.process):
            os.kill(pid, signal.SIGKILL)
        self.process.kill()
        self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None

    def beat(self) -> None:
        """What beat does every minute: ask for a sweep run and an outbox drain."""
        self.client.send_task("vendorhub.tasks.send_reminders")
        self.client.send_task("vendorhub.tasks.send_outbox")

    def tail(self) -> str:
        return self.log.read_text()[-3000:] if self.log.exists() else ""


def wait_for(predicate: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def in_flight(since=None) -> tuple[int, int]:
    """(sweep runs under way — started after ``since`` —, e-mails claimed or being sent)."""
    runs = SweepRun.objects.filter(finished_at__isnull=True)
    if since is not None:
        runs = runs.filter(started_at__gte=since)
    return (
        runs.count(),
        EmailOutbox.objects.filter(status__in=[OutboxStatus.CLAIMED, OutboxStatus.SENDING]).count(),
    )


def settle(worker: DrillWorker, smtp, manager, *, rounds: int = 6) -> dict[str, int]:
    """Run beat until there is nothing left to do, as production would over the next
    minutes: sweeps find nothing, claims of dead senders are handled, the outbox is
    empty. Uncertain e-mails are settled as the operations page tells a manager to:
    the relay (our SMTP server) has the Message-ID → mark sent; else → send again.
    Returns how many were uncertain."""
    uncertain = 0
    for _ in range(rounds):
        finished = SweepRun.objects.filter(finished_at__isnull=False).count()
        worker.beat()
        assert wait_for(
            lambda f=finished: SweepRun.objects.filter(finished_at__isnull=False).count() > f, 90
        ), worker.tail()
        # The sweep's e-mails are drained (or held by a sender that died).
        wait_for(
            lambda: (
                not EmailOutbox.objects.filter(
                    status__in=[OutboxStatus.PENDING, OutboxStatus.CLAIMED, OutboxStatus.SENDING],
                    send_after__lte=timezone.now(),
                ).exists()
            ),
            20,
        )
        # Claims that have not moved for two seconds belong to a dead sender; tell the
        # requeue they are old (its threshold is wall-clock minutes).
        before = _claims()
        if before:
            time.sleep(2)
        if before and before == _claims():
            requeue_stale_claims(timezone.now() + timedelta(minutes=11))
        for row in EmailOutbox.objects.filter(status=OutboxStatus.UNKNOWN):
            uncertain += 1
            if row.message_id in smtp.recorder.counts():
                outbox_mark_sent(row=row, by=manager, now=timezone.now())
            else:
                outbox_send_again(row=row, by=manager, now=timezone.now())
        EmailOutbox.objects.filter(status=OutboxStatus.PENDING).update(send_after=timezone.now())
        last = SweepRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
        quiet = last is not None and not any(last.counts.values())
        if quiet and not EmailOutbox.objects.exclude(status=OutboxStatus.SENT).exists():
            return {"uncertain_settled": uncertain}
    raise AssertionError(f"did not settle: {Counter(EmailOutbox.objects.values_list('status'))}")


def _claims() -> set[tuple[int, str, int]]:
    return set(
        EmailOutbox.objects.filter(
            status__in=[OutboxStatus.CLAIMED, OutboxStatus.SENDING]
        ).values_list("pk", "status", "attempts")
    )
