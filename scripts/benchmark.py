"""Benchmark VendorHub's pages and API lists on the ``seed_large`` data set.

Run it against the same database as ``seed_large``::

    DATABASE_URL=postgres://…/vh_bench .venv/bin/python scripts/benchmark.py [--runs 20]

Why it looks like this: SPEC section 5 asks for each endpoint's median and p95 next to
the raw SQL time of the same queries, so one can tell Python/template time from database
time. Each endpoint is requested once to warm caches, once under
``CaptureQueriesContext`` (query count and the SQL itself), then ``--runs`` times for
timing; the captured SELECTs are then re-executed on a plain cursor and their sum is the
"SQL ms" column. The reminder sweep runs inside a transaction that is rolled back, so the
benchmark leaves the database as it found it. It exits non-zero when any endpoint
answers with a non-2xx status.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    role: str
    label: str
    url: str
    status: int
    queries: int
    median_ms: float
    p95_ms: float
    sql_ms: float


def setup_django() -> None:
    """Safe settings before ``django.setup()``: DEBUG supplies a dev SECRET_KEY and turns
    the HTTPS redirect off; it is switched off again afterwards so templates and the
    database cursor behave as in production."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorhub.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("AXES_ENABLED", "0")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: with 20 runs, p95 is the 19th fastest."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def raw_sql_ms(queries: list[dict[str, Any]]) -> float:
    """Re-run each captured SELECT on a bare cursor (no ORM, no template) and sum the
    time, rows fetched included. Writes (session, last login) are skipped: they are
    not what a list page costs and must not be repeated."""
    from django.db import connection, transaction

    total = 0.0
    with transaction.atomic():
        with connection.cursor() as cursor:
            for query in queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                total += time.perf_counter() - started
        transaction.set_rollback(True)
    return total * 1000


def measure(client: Any, role: str, label: str, url: str, runs: int) -> Result:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up: template caches, first-use imports
    # The request_started signal empties the query log; start from empty so the slice
    # CaptureQueriesContext takes is the request's queries, not a stale offset.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    # ``captured_queries`` slices the live log when read: copy it before more requests.
    queries = list(captured.captured_queries)
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - started) * 1000)
    return Result(
        role=role,
        label=label,
        url=url,
        status=response.status_code,
        queries=len(queries),
        median_ms=statistics.median(durations),
        p95_ms=percentile(durations, 0.95),
        sql_ms=raw_sql_ms(queries),
    )


def endpoints(vendor_slug: str, last_month: str) -> list[tuple[str, str, str]]:
    """(role, label, URL): every page and API list SPEC section 5 names."""
    scorecard_query = f"vendor={vendor_slug}&period={last_month}"
    return [
        ("manager", "home", "/"),
        ("executive", "home", "/"),
        ("partner", "home", "/"),
        ("executive", "executive dashboard", "/scorecards/dashboard/"),
        ("manager", "dispute list", "/disputes/"),
        ("manager", "dispute list, open+high", "/disputes/?status=open&severity=high"),
        ("manager", "dispute list, overdue", "/disputes/?overdue=on"),
        ("partner", "dispute list", "/disputes/"),
        ("manager", "clause search", "/contracts/clauses/search/?q=service+level"),
        ("partner", "clause search", "/contracts/clauses/search/?q=service+level"),
        ("manager", "vendor list", "/vendors/"),
        ("manager", "vendor page", f"/vendors/{vendor_slug}/"),
        ("manager", "contract list", "/contracts/"),
        ("manager", "meeting list", "/meetings/"),
        ("partner", "meeting list", "/meetings/"),
        ("manager", "API disputes", "/api/v1/disputes/"),
        ("partner", "API disputes", "/api/v1/disputes/"),
        ("manager", "API clauses search", "/api/v1/clauses/?search=penalty"),
        ("manager", "API measurements", "/api/v1/measurements/"),
        ("manager", "API meetings", "/api/v1/meetings/"),
        ("manager", "API contracts", "/api/v1/contracts/"),
        ("manager", "API scorecard", f"/api/v1/scorecards/?{scorecard_query}"),
    ]  # fmt: skip


def machine_facts() -> list[str]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version(), pg_size_pretty(pg_database_size(current_database()))")
            version, size = cursor.fetchone()
            database = f"{version.split(' on ')[0]}, database size {size}"
        else:
            database = f"SQLite {connection.Database.sqlite_version}"
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return [
        f"nproc: {cpus} ({model or platform.processor() or 'unknown CPU'})",
        f"Python: {platform.python_version()} ({platform.platform()})",
        f"Django: {django.get_version()}",
        f"Database: {database}",
    ]


def sweep() -> tuple[float, dict[str, int], int, int]:
    """One full reminder sweep, rolled back. Returns seconds, counts, RSS before and
    peak RSS (KiB): ``ru_maxrss`` is the process peak, so it is read before and after."""
    from django.db import transaction
    from django.utils import timezone

    from vendorhub.reminders import run_all_sweeps

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with transaction.atomic():
        started = time.perf_counter()
        counts = run_all_sweeps(timezone.now(), trigger="command").counts
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return seconds, counts, rss_before, rss_peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per endpoint")
    parser.add_argument("--skip-sweep", action="store_true", help="do not time the sweep")
    args = parser.parse_args()
    setup_django()

    from django.test import Client

    from vendorhub.models import User, Vendor

    users = {
        "manager": User.objects.filter(username="bench.manager").first(),
        "executive": User.objects.filter(username="bench.exec").first(),
        "partner": User.objects.filter(username="bench.partner.1").first(),
    }
    if not all(users.values()):
        print("No seed_large data here: run `python manage.py seed_large` first.")
        return 2
    vendor = Vendor.objects.get(pk=users["partner"].vendor_id)
    last_month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")

    print("Machine")
    for fact in machine_facts():
        print(f"  {fact}")
    print(f"  runs per endpoint: {args.runs} (after one warm-up and one query-capture run)")
    print()

    if not args.skip_sweep:
        seconds, counts, rss_before, rss_peak = sweep()
        print("Reminder sweep (run_all_sweeps, rolled back)")
        print(f"  duration: {seconds:.2f} s")
        print(f"  counts: {counts}")
        print(
            f"  peak RSS: {rss_peak / 1024:.0f} MiB (before the sweep {rss_before / 1024:.0f} MiB,"
            f" growth {(rss_peak - rss_before) / 1024:.0f} MiB)"
        )
        print()

    clients = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        clients[role] = client

    results = []
    header = f"{'role':<10} {'endpoint':<26} {'status':>6} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'SQL ms':>8}  url"  # noqa: E501
    print(header)
    print("-" * len(header))
    for role, label, url in endpoints(vendor.slug, last_month):
        result = measure(clients[role], role, label, url, args.runs)
        results.append(result)
        slow = " ← slow" if result.median_ms > 200 else ""
        print(
            f"{role:<10} {label:<26} {result.status:>6} {result.queries:>7} "
            f"{result.median_ms:>10.1f} {result.p95_ms:>8.1f} {result.sql_ms:>8.1f}  {url}{slow}",
            flush=True,
        )
    failed = [r for r in results if not 200 <= r.status < 300]
    print()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the benchmark process: {peak:.0f} MiB")
    if failed:
        print("NON-2xx: " + ", ".join(f"{r.role} {r.url} → {r.status}" for r in failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
