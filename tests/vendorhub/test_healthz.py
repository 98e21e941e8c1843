"""/healthz answers fast whatever the broker does, and says "degraded" when reminders
suffer (issue 15: "/healthz over 240 s" on a frozen or half-open Redis).

A listening socket that is never accepted from is what a frozen or half-open server
looks like to a new client: the TCP handshake completes (the kernel does it) and no
reply ever comes. tests/reminders/test_drills.py does the same with a SIGSTOP'd
redis-server in a separate process.
"""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.smtp_server import free_port
from vendorhub.models import SweepRun

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _warm(client):
    """The first request of a process imports every URLconf: not what is timed."""
    client.get("/healthz")


@pytest.fixture
def black_hole():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)  # never accept(), never answer
    yield sock.getsockname()[1]
    sock.close()


def timed_healthz(client) -> tuple[dict, float]:
    started = time.monotonic()
    response = client.get("/healthz")
    seconds = time.monotonic() - started
    assert response.status_code == 200  # the database is fine: stay in rotation
    return response.json(), seconds


def test_a_broker_that_never_answers_costs_healthz_under_two_seconds(client, settings, black_hole):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{black_hole}/0"
    data, seconds = timed_healthz(client)
    assert seconds < 2
    assert data["checks"]["broker"] == {
        "status": "error",
        "transport": "redis",
        "error": "TimeoutError",
    }
    assert data["status"] == "degraded"


def test_a_broker_that_is_down_is_reported_at_once(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    data, seconds = timed_healthz(client)
    assert seconds < 1
    assert data["checks"]["broker"]["status"] == "error"
    assert data["status"] == "degraded"


def test_a_beat_run_that_died_is_unfinished_and_degraded(client):
    long_ago = timezone.now() - timedelta(minutes=20)
    SweepRun.objects.create(started_at=long_ago, now=long_ago, trigger="beat")
    data = client.get("/healthz").json()
    assert data["checks"]["beat"]["status"] == "unfinished"
    assert data["status"] == "degraded"


def test_a_beat_run_under_way_is_running_and_fine(client):
    now = timezone.now()
    SweepRun.objects.create(started_at=now, now=now, trigger="beat")
    data = client.get("/healthz").json()
    assert data["checks"]["beat"]["status"] == "running"
    assert data["status"] in {"ok", "degraded"}  # degraded only if the broker is away
    assert data["status"] == "ok" or data["checks"]["broker"]["status"] != "ok"


def test_a_beat_run_with_errors_is_failed_and_degraded(client):
    now = timezone.now()
    SweepRun.objects.create(
        started_at=now, finished_at=now, now=now, trigger="beat", error="disputes: stopped"
    )
    data = client.get("/healthz").json()
    assert data["checks"]["beat"]["status"] == "failed"
    assert data["status"] == "degraded"
