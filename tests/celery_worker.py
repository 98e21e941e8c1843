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
    queues: str, *, env: dict[str, str] | None = None, output: IO | int = subprocess.PIPE
) -> subprocess.Popen:
    """``celery worker --pool=solo`` consuming ``queues`` (comma-separated)."""
    hostname = f"{queues.split(',')[0]}-{uuid.uuid4().hex[:4]}@%h"
    return subprocess.Popen(
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
