"""Start a real Celery worker process for a test, on its own queue."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]


def worker_database_env() -> dict[str, str]:
    """On PostgreSQL, the database this test run uses (``test_…`` once pytest-django has
    set it up) as the worker's ``DATABASE_URL``: never the development database, which a
    fresh CI machine does not have. (SQLite's in-memory test database cannot be shared
    with another process: the worker keeps its default there.)"""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        return {}
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return {"DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}


def start_worker(
    queues: str,
    *,
    env: dict[str, str] | None = None,
    output: IO | int = subprocess.PIPE,
    pool: str = "solo",
) -> subprocess.Popen:
    """``celery worker --pool=solo`` consuming ``queues`` (comma-separated).

    ``pool="prefork"`` runs one child process that executes the tasks: killing it is
    a worker dying mid-task (the parent requeues the task and forks a new child).
    """
    hostname = f"{queues.split(',')[0]}-{uuid.uuid4().hex[:4]}@%h"
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "vendorhub",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            "-Q",
            queues,
            "--hostname",
            hostname,
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "VENDORHUB_TESTING": "1",
            **worker_database_env(),
            **(env or {}),
        },
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )


def worker_children(worker: subprocess.Popen) -> list[int]:
    """The pool processes of a prefork worker (empty for a solo worker)."""
    try:
        with open(f"/proc/{worker.pid}/task/{worker.pid}/children") as children:
            return [int(pid) for pid in children.read().split()]
    except OSError:
        return []
