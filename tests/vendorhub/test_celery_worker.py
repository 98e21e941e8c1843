"""A real Celery worker process takes a task from the real broker and completes it.

In CI the broker and result store are the real Redis (REDIS_URL); locally without
REDIS_URL they are kombu's filesystem transport, which needs no server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from vendorhub.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.worker
def test_a_real_worker_completes_a_task():
    queue = f"test-{uuid.uuid4().hex[:8]}"  # our own queue: no other worker can steal the task
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "vendorhub",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            "-Q",
            queue,
            "--hostname",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env={**os.environ, "VENDORHUB_TESTING": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        result = ping.apply_async(queue=queue)
        deadline = time.monotonic() + 90
        while not result.ready() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert worker.poll() is None, "the worker died before finishing the task"
        assert result.get(timeout=1) == "pong"
        assert result.successful()
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert "vendorhub.tasks.ping" in output
    assert settings.CELERY_BROKER_URL.split(":")[0] in {"redis", "filesystem"}
