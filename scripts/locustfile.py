"""The load step of ``scripts/benchmark.py``: one closed-loop client per locust user.

The benchmark passes a logged-in session (``BENCH_SESSION``) and the weighted mix of
``(weight, label, path)`` (``BENCH_MIX``, JSON). Clients do not wait between requests,
so requests per second is the throughput of the server set-up, not of think time.
"""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, constant, task

MIX = json.loads(os.environ.get("BENCH_MIX", "[]"))
WEIGHTS = [weight for weight, _label, _path in MIX]


class Manager(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        name = os.environ.get("BENCH_COOKIE", "sessionid")
        self.client.cookies.set(name, os.environ["BENCH_SESSION"])

    @task
    def one_request(self) -> None:
        _weight, label, path = random.choices(MIX, weights=WEIGHTS)[0]
        with self.client.get(path, name=label, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
