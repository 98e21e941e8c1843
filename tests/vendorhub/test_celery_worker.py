"""A real Celery worker process takes a task from the real broker and completes it.

In CI the broker and result store are the real Redis (REDIS_URL); locally without
REDIS_URL they are kombu's filesystem transport, which needs no server.
"""

from __future__ import annotations

import time
import uuid

import pytest
from django.conf import settings

from tests.celery_worker import start_worker
from vendorhub.tasks import ping


@pytest.mark.worker
def test_a_real_worker_completes_a_task():
    queue = f"test-{uuid.uuid4().hex[:8]}"  # our own queue: no other worker can steal the task
    worker = start_worker(queue)
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
