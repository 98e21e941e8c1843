"""Start a real Celery worker process for a test, on its own queue."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]


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
        env={**os.environ, "VENDORHUB_TESTING": "1", **(env or {})},
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
