"""The probe's reproduction, against a real gunicorn with three worker processes.

Before: 30 of 30 token attempts with a rotating ``X-Forwarded-For`` went through, and
without the header the first 429 came at request 20, not 10 (each worker counted for
itself). Now the budget is keyed on the client address and counted atomically in
Redis, whichever worker answers.

Needs the real services (PostgreSQL for the shared test database, Redis for the shared
cache); CI runs it, a laptop on SQLite skips it.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.server, pytest.mark.django_db]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path):
    if not (settings.IS_POSTGRES and settings.REDIS_URL):
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "vendorhub.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--preload",  # Django loads once, then forks: workers are up at once
            "--timeout",
            "120",
            "--graceful-timeout",
            "2",
            "--access-logfile",
            str(tmp_path / "access.log"),
            "--access-logformat",
            "worker=%(p)s status=%(s)s",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "VENDORHUB_TESTING": "1",  # the test cache prefix, cleared between tests
            "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "AXES_ENABLED": "0",
            "TRUSTED_PROXY_COUNT": "0",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while not _answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("gunicorn did not start:\n" + (tmp_path / "gunicorn.log").read_text())
        time.sleep(0.2)
    yield port, tmp_path / "access.log"
    process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
    process.wait(timeout=20)
    log.close()


def _answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        conn.close()
    except OSError:
        return False
    return True


def post_token(port: int, forwarded_for: str) -> int:
    """One attempt on a new connection, so the kernel hands it to any of the workers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST",
            "/api/v1/auth/token/",
            body=json.dumps({"username": "nobody", "password": "guess"}),
            headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded_for},
        )
        return conn.getresponse().status
    finally:
        conn.close()


def test_thirty_attempts_with_rotating_forwarded_for_across_three_workers(gunicorn):
    port, access_log = gunicorn
    codes = [post_token(port, f"10.{i}.{i}.{i}") for i in range(30)]
    assert codes[:10] == [400] * 10
    assert codes[10:] == [429] * 20
    # More than one worker process answered: the count is not per worker.
    time.sleep(0.5)  # the access log is written after the response
    workers = {line.split()[0] for line in access_log.read_text().splitlines()}
    assert len(workers) >= 2, workers
