"""Benchmark VendorHub's pages and API lists on the ``seed_large`` data set (``make bench``).

Run it against the same database as ``seed_large``::

    DATABASE_URL=postgres://…/vh_bench .venv/bin/python scripts/benchmark.py [--rounds 15]
    .venv/bin/python scripts/benchmark.py --small     # CI-sized: fewer rounds, short load

Why it looks like this (issue 14, SPEC section 5):

- Each endpoint is compared with the database doing the same work, on the same noisy
  2-core machine at the same moment: after a warm-up and a run under
  ``CaptureQueriesContext``, every *round* times one request, then a replay of the
  request's own SELECTs on a bare cursor, then (dashboard, scorecard) the best
  hand-written SQL over the daily rows. Ratios are taken per round and their median
  reported, so a burst of load from another process moves both sides of a ratio.
- Answers are checked, not assumed: every request answers 2xx; a JSON answer is the
  same in every round; a replay returns the same rows every round; the hand-written
  SQL returns exactly the sums ``scorecards.periodmaths.monthly_sums`` gives the app.
  Any failed check makes the run exit non-zero.
- ``bench/results.json`` holds, per endpoint, ``median_ms``, ``p95_ms``, ``queries``,
  ``ratio_replay`` and ``ratio_best_sql`` (null when there is no hand-written SQL),
  plus the machine, the data set, the sweep and the load step.
- The load step starts gunicorn (3 workers, production settings: DEBUG off,
  collected static files) and drives it with locust, headless, for a fixed time with a
  fixed number of clients that do not wait between requests (a closed loop: req/s is
  the throughput of the set-up). locust is pinned in ``pyproject.toml`` (group
  ``bench``); ``make bench`` installs it.
- The reminder sweep runs inside a transaction that is rolled back, so the benchmark
  leaves the database as it found it (sessions it creates for the load step aside).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import platform
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"


@dataclass
class Endpoint:
    role: str
    label: str
    url: str
    #: The best hand-written SQL for the same answer: returns (milliseconds, problem or "").
    best_sql: Callable[[], tuple[float, str]] | None = None


@dataclass
class Result:
    role: str
    label: str
    url: str
    status: int
    queries: int
    bytes: int
    median_ms: float
    p95_ms: float
    replay_median_ms: float
    ratio_replay: float | None
    best_sql_median_ms: float | None = None
    ratio_best_sql: float | None = None
    rounds: int = 0
    problems: list[str] = field(default_factory=list)


def setup_django() -> None:
    """Settings before ``django.setup()``: DEBUG supplies dev defaults and turns the HTTPS
    redirect off; it is switched off again afterwards so templates and the database
    cursor behave as in production. One SECRET_KEY for this process and the gunicorn
    of the load step, so the session made here is valid there."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorhub.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("AXES_ENABLED", "0")
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
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


def same(a: Any, b: Any) -> bool:
    """Equal answers, floats to a relative 1e-9: a float SUM's last bits depend on the
    order a (parallel) aggregate adds the rows in, which is not part of the answer (and
    rounding both sides first is no cure: a sum of 6-decimal values can sit exactly on
    the rounding boundary, measured at full scale)."""
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def replay(queries: list[dict[str, Any]]) -> tuple[float, list[Any]]:
    """Re-run the request's SELECTs on a bare cursor (no ORM, no template); return the
    milliseconds (rows fetched included) and the rows. Writes (session, last login) are
    skipped: they are not what a list costs and must not be repeated."""
    from django.db import connection, transaction

    total = 0.0
    answers: list[Any] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            started = time.perf_counter()
            cursor.execute(sql)
            rows = cursor.fetchall()
            total += time.perf_counter() - started
            answers.append(rows)
        transaction.set_rollback(True)
    return total * 1000, answers


def body_digest(response: Any) -> str | None:
    """A JSON answer's digest (pages carry a fresh CSRF token: not compared)."""
    if "json" not in response.get("Content-Type", ""):
        return None
    return hashlib.sha256(response.content).hexdigest()


def measure(client: Any, endpoint: Endpoint, rounds: int) -> Result:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client.get(endpoint.url)  # warm-up: template caches, first-use imports
    # The request_started signal empties the query log; start from empty so the slice
    # CaptureQueriesContext takes is the request's queries, not a stale offset.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(endpoint.url)
    # ``captured_queries`` slices the live log when read: copy it before more requests.
    queries = list(captured.captured_queries)
    problems: list[str] = []
    first_body = body_digest(response)
    _ms, first_rows = replay(queries)
    times, replays, bests, ratios, best_ratios = [], [], [], [], []
    status = response.status_code
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(endpoint.url)
        elapsed = (time.perf_counter() - started) * 1000
        times.append(elapsed)
        if not 200 <= response.status_code < 300:
            status = response.status_code
            problems.append(f"answered {response.status_code}")
        elif first_body is not None and body_digest(response) != first_body:
            problems.append("JSON answer changed between rounds")
        replay_ms, rows = replay(queries)
        replays.append(replay_ms)
        if not same(rows, first_rows):
            problems.append("replay returned other rows than the first time")
        ratios.append(elapsed / replay_ms if replay_ms else float("nan"))
        if endpoint.best_sql is not None:
            best_ms, problem = endpoint.best_sql()
            bests.append(best_ms)
            best_ratios.append(elapsed / best_ms if best_ms else float("nan"))
            if problem:
                problems.append(problem)
    return Result(
        role=endpoint.role,
        label=endpoint.label,
        url=endpoint.url,
        status=status,
        queries=len(queries),
        bytes=len(response.content),
        median_ms=round(statistics.median(times), 1),
        p95_ms=round(percentile(times, 0.95), 1),
        replay_median_ms=round(statistics.median(replays), 1),
        ratio_replay=round(statistics.median(ratios), 2) if ratios else None,
        best_sql_median_ms=round(statistics.median(bests), 1) if bests else None,
        ratio_best_sql=round(statistics.median(best_ratios), 2) if best_ratios else None,
        rounds=rounds,
        problems=sorted(set(problems)),
    )


# --- the best hand-written SQL for the scorecard figures --------------------------------
SUMS_SQL = """
SELECT vendor_id, kpi_id, date_trunc('month', period_start)::date AS month, granularity,
       supplied_by, count(*) AS n, count(*) FILTER (WHERE counted) AS n_counted,
       coalesce(sum(value) FILTER (WHERE NOT counted), 0) AS value_sum,
       coalesce(sum(value * volume) FILTER (WHERE NOT counted), 0) AS value_volume_sum,
       coalesce(sum(volume) FILTER (WHERE NOT counted AND value IS NOT NULL), 0) AS volume_sum,
       coalesce(sum(numerator) FILTER (WHERE NOT counted), 0) AS numerator_sum,
       coalesce(sum(denominator) FILTER (WHERE NOT counted), 0) AS denominator_sum
FROM (
    SELECT m.*, (answered IS NOT NULL OR handled IS NOT NULL OR handle_seconds IS NOT NULL)
           AS counted
    FROM scorecards_measurement m
    WHERE vendor_id = ANY(%s) AND period_start BETWEEN %s AND %s
) rows
GROUP BY 1, 2, 3, 4, 5
"""


def best_sums(vendor_ids: list[int], first: Any, last: Any) -> Callable[[], tuple[float, str]]:
    """The period sums every scorecard is computed from, in one GROUP BY over the daily
    rows, checked against what the app's own ``monthly_sums`` returns."""
    from django.db import connection

    from scorecards.periodmaths import monthly_sums

    expected = {
        (k.vendor_id, k.kpi_id, k.month, k.granularity, k.supplier): (
            s.n, s.n_counted, s.value_sum, s.volume_sum, s.numerator_sum, s.denominator_sum
        )
        for k, s in monthly_sums(vendor_ids, first, last).items()
    }  # fmt: skip

    def run() -> tuple[float, str]:
        from scorecards.models import month_end

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(SUMS_SQL, [vendor_ids, first.replace(day=1), month_end(last)])
            rows = cursor.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        got = {
            tuple(row[:5]): (
                row[5], row[6], float(row[7]), float(row[9]), float(row[10]), float(row[11])
            )
            for row in rows
        }  # fmt: skip
        agree = got.keys() == expected.keys() and all(same(got[key], expected[key]) for key in got)
        return elapsed, "" if agree else "hand-written SQL disagrees with the app"

    return run


def deep_cursor(depth: int) -> str:
    """The ``next`` cursor a client holds after paging ``depth`` disputes into the API
    list (newest first), built as DRF's ``CursorPagination`` encodes it, so the deep
    page is measured without walking thousands of pages first."""
    from base64 import b64encode
    from urllib.parse import quote, urlencode

    from disputes.models import Dispute

    position = (
        Dispute.objects.order_by("-created_at", "-id")
        .values_list("created_at", flat=True)[max(depth - 1, 0) : depth]
        .first()
    )
    if position is None:
        return ""
    return quote(b64encode(urlencode({"p": str(position)}).encode()).decode())


def endpoints(users: dict[str, Any], vendor: Any) -> list[Endpoint]:
    """Every page and API list SPEC section 5 names, deep pages included."""
    from disputes.models import Dispute
    from scorecards.models import period_bounds, previous_periods
    from scorecards.views_common import default_period
    from vendorhub.models import Vendor

    kind, start = default_period()
    starts = previous_periods(kind, start, 12)
    first, last = starts[0], period_bounds(kind, starts[-1])[1]
    dashboard_vendors = list(
        Vendor.objects.visible_to(users["executive"]).active().values_list("pk", flat=True)
    )
    month = start.strftime("%Y-%m")
    scorecard_query = f"vendor={vendor.slug}&period={month}"
    disputes = Dispute.objects.count()
    deep_page = max(1, int(disputes / 25 * 0.8))  # 80 % of the way down the list
    deep_api = deep_cursor(int(disputes * 0.8))
    return [
        Endpoint("manager", "home", "/"),
        Endpoint("executive", "home", "/"),
        Endpoint("partner", "home", "/"),
        Endpoint(
            "executive",
            "executive dashboard",
            "/scorecards/dashboard/",
            best_sums(dashboard_vendors, first, last),
        ),
        Endpoint("manager", "dispute list", "/disputes/"),
        Endpoint("manager", "dispute list, deep page", f"/disputes/?page={deep_page}"),
        Endpoint("manager", "dispute list, open+high", "/disputes/?status=open&severity=high"),
        Endpoint("manager", "dispute list, overdue", "/disputes/?overdue=on"),
        Endpoint("partner", "dispute list", "/disputes/"),
        Endpoint("manager", "clause search", "/contracts/clauses/search/?q=service+level"),
        Endpoint("partner", "clause search", "/contracts/clauses/search/?q=service+level"),
        Endpoint("manager", "vendor list", "/vendors/"),
        Endpoint("manager", "vendor page", f"/vendors/{vendor.slug}/"),
        Endpoint("manager", "contract list", "/contracts/"),
        Endpoint("manager", "meeting list", "/meetings/"),
        Endpoint("partner", "meeting list", "/meetings/"),
        Endpoint("manager", "API disputes", "/api/v1/disputes/"),
        Endpoint("manager", "API disputes, deep page", f"/api/v1/disputes/?cursor={deep_api}"),
        Endpoint("partner", "API disputes", "/api/v1/disputes/"),
        Endpoint("manager", "API clauses search", "/api/v1/clauses/?search=penalty"),
        Endpoint("manager", "API measurements", "/api/v1/measurements/"),
        Endpoint("manager", "API meetings", "/api/v1/meetings/"),
        Endpoint("manager", "API contracts", "/api/v1/contracts/"),
        Endpoint(
            "manager",
            "API scorecard",
            f"/api/v1/scorecards/?{scorecard_query}",
            best_sums([vendor.pk], first, last),
        ),
    ]


def machine_facts() -> dict[str, Any]:
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
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    return {
        "nproc": f"{cpus} ({model or platform.processor() or 'unknown CPU'})",
        "python": f"{platform.python_version()} ({platform.platform()})",
        "django": django.get_version(),
        "database": database,
        "load_average_at_start": [round(x, 2) for x in load],
    }


def data_set() -> dict[str, int]:
    from contracts.models import Clause
    from disputes.models import Dispute, DisputeEvent
    from meetings.models import Meeting
    from scorecards.models import Measurement
    from vendorhub.models import Vendor

    return {
        "vendors": Vendor.objects.count(),
        "clauses": Clause.objects.count(),
        "disputes": Dispute.objects.count(),
        "dispute_events": DisputeEvent.objects.count(),
        "meetings": Meeting.objects.count(),
        "measurements": Measurement.objects.count(),
    }


def sweep() -> dict[str, Any]:
    """One full reminder sweep, rolled back: seconds, counts and RSS growth (KiB).
    ``ru_maxrss`` is the process peak, so it is read before and after."""
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
    return {
        "seconds": round(seconds, 2),
        "counts": counts,
        "rss_before_mib": round(rss_before / 1024),
        "rss_peak_mib": round(rss_peak / 1024),
        "note": "one transaction, rolled back",
    }


# --- load step ----------------------------------------------------------------------------
MANAGER_MIX = [  # (weight, label, path): what a vendor manager's day looks like
    (4, "home", "/"),
    (4, "dispute list", "/disputes/"),
    (2, "dispute list, filtered", "/disputes/?status=open&severity=high"),
    (2, "clause search", "/contracts/clauses/search/?q=service+level"),
    (2, "vendor page", "/vendors/{slug}/"),
    (1, "contract list", "/contracts/"),
    (1, "meeting list", "/meetings/"),
    (2, "API disputes", "/api/v1/disputes/"),
    (1, "API measurements", "/api/v1/measurements/"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        url = f"http://127.0.0.1:{port}/healthz"
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status < 500
    except OSError:
        return False


def load_step(user: Any, slug: str, seconds: int, clients: int, workdir: Path) -> dict[str, Any]:
    """gunicorn (3 workers, production settings) under locust for ``seconds``."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    locust = ROOT / ".venv" / "bin" / "locust"
    if not locust.exists():
        return {"skipped": "locust is not installed: run `make bench` (uv sync --group bench)"}
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    static_root = workdir / "static"
    env = {
        **os.environ,
        "DEBUG": "0",
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "AXES_ENABLED": "0",
        "STATIC_ROOT": str(static_root),
    }
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = free_port()
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "vendorhub.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "3", "--preload", "--timeout", "120",
         "--graceful-timeout", "2"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not _answers(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "gunicorn did not start:\n" + (workdir / "gunicorn.log").read_text()
                )
            time.sleep(0.2)
        mix = [(w, label, path.format(slug=slug)) for w, label, path in MANAGER_MIX]
        locust_env = {
            **os.environ,
            "BENCH_SESSION": session,
            "BENCH_COOKIE": settings.SESSION_COOKIE_NAME,
            "BENCH_MIX": json.dumps(mix),
        }
        prefix = workdir / "load"
        locust_log = (workdir / "locust.log").open("w")
        subprocess.run(
            [str(locust), "-f", str(ROOT / "scripts" / "locustfile.py"), "--headless",
             "--users", str(clients), "--spawn-rate", str(clients), "--run-time",
             f"{seconds}s", "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix),
             "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=locust_env, check=False, stdout=locust_log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        with open(f"{prefix}_stats.csv", newline="") as handle:
            rows = {row["Name"]: row for row in csv.DictReader(handle)}
    finally:
        if "locust_log" in locals():
            locust_log.close()
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    total = rows["Aggregated"]
    return {
        "mix": "manager",
        "clients": clients,
        "seconds": seconds,
        "gunicorn_workers": 3,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "req_per_s": round(float(total["Requests/s"]), 1),
        "median_ms": float(total["Median Response Time"]),
        "p95_ms": float(total["95%"]),
        "per_endpoint": {
            name: {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": float(row["Median Response Time"]),
                "p95_ms": float(row["95%"]),
            }
            for name, row in rows.items()
            if name != "Aggregated"
        },
    }


# --- main -------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", "--runs", type=int, default=15, help="timed rounds")
    parser.add_argument("--small", action="store_true", help="CI size: 5 rounds, 15 s of load")
    parser.add_argument("--skip-sweep", action="store_true", help="do not time the sweep")
    parser.add_argument("--skip-load", action="store_true", help="no gunicorn/locust step")
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=10, help="locust clients")
    parser.add_argument("--only", help="only endpoints whose label contains this")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--merge",
        action="store_true",
        help="update only the endpoints measured now in an existing --out file (with --only)",
    )
    args = parser.parse_args(argv)
    if args.small:
        args.rounds, args.load_seconds = min(args.rounds, 5), min(args.load_seconds, 15)
    setup_django()
    started_at = datetime.now(UTC)

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
    report: dict[str, Any] = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "data_set": data_set(),
        "rounds": args.rounds,
    }
    print("Machine")
    for key, value in report["machine"].items():
        print(f"  {key}: {value}")
    print("  data set: " + ", ".join(f"{k} {v:,}" for k, v in report["data_set"].items()))
    print(f"  rounds per endpoint: {args.rounds} (after one warm-up and one capture run)")
    print()

    if not args.skip_sweep:
        report["sweep"] = sweep()
        print(f"Reminder sweep (rolled back): {report['sweep']}")
        print()

    clients = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        clients[role] = client

    results: list[Result] = []
    header = (
        f"{'role':<10} {'endpoint':<26} {'st':>3} {'q':>3} {'median':>8} {'p95':>8} "
        f"{'replay':>8} {'×replay':>8} {'best':>7} {'×best':>6}"
    )
    print(header + "   (ms; ×: median of per-round ratios)")
    print("-" * len(header))
    for endpoint in endpoints(users, vendor):
        if args.only and args.only not in endpoint.label:
            continue
        result = measure(clients[endpoint.role], endpoint, args.rounds)
        results.append(result)
        best = "" if result.best_sql_median_ms is None else f"{result.best_sql_median_ms:7.1f}"
        best_ratio = "" if result.ratio_best_sql is None else f"{result.ratio_best_sql:6.2f}"
        flags = "  ← " + "; ".join(result.problems) if result.problems else ""
        print(
            f"{result.role:<10} {result.label:<26} {result.status:>3} {result.queries:>3} "
            f"{result.median_ms:>8.1f} {result.p95_ms:>8.1f} {result.replay_median_ms:>8.1f} "
            f"{result.ratio_replay or 0:>8.2f} {best:>7} {best_ratio:>6}{flags}",
            flush=True,
        )
    report["endpoints"] = {f"{r.role} {r.label}": asdict(r) for r in results}
    if args.merge and args.out.exists():
        earlier = json.loads(args.out.read_text())
        earlier.setdefault("endpoints", {}).update(report["endpoints"])
        earlier.setdefault("remeasured", []).append(
            {"at": report["started_at"], "endpoints": sorted(report["endpoints"])}
        )
        report = earlier

    if not args.skip_load:
        with tempfile.TemporaryDirectory(prefix="vh-bench-") as workdir:
            report["load"] = load_step(
                users["manager"], vendor.slug, args.load_seconds, args.clients, Path(workdir)
            )
        load = report["load"]
        print()
        if "skipped" in load:
            print(f"Load step skipped: {load['skipped']}")
        else:
            print(
                f"Load (gunicorn ×3, locust {load['clients']} clients, {load['seconds']} s, "
                f"manager mix): {load['req_per_s']} req/s, median {load['median_ms']} ms, "
                f"p95 {load['p95_ms']} ms, {load['requests']} requests, "
                f"{load['failures']} failures"
            )

    report["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    report.setdefault("seconds", round((datetime.now(UTC) - started_at).total_seconds(), 1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nWrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}"
          f" ({report['seconds']} s)")  # fmt: skip
    failed = [r for r in results if r.problems]
    if report.get("load", {}).get("failures"):
        print(f"LOAD FAILURES: {report['load']['failures']}")
        return 1
    if failed:
        print("FAILED CHECKS: " + "; ".join(f"{r.role} {r.label}: {r.problems}" for r in failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
