"""What /healthz and the operations page report: database, broker, beat, outbox.

Every check is bounded in time: the broker is asked with its own short-lived client
(sub-second connect and read timeouts, no retries), so a frozen or half-open Redis
makes /healthz answer "degraded" within about two seconds instead of hanging the
load balancer's probe.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Min

from .models import EmailOutbox, OutboxStatus, SweepFailure, SweepRun
from .reminders import RUN_LIFETIME

BEAT_STALE_AFTER = timedelta(minutes=35)  # two 15-minute beats missed
OUTBOX_STALLED_AFTER = timedelta(minutes=30)
BROKER_CONNECT_TIMEOUT = 0.5
BROKER_READ_TIMEOUT = 1.0
# States of the last beat run that mean reminders are not going out as they should.
BAD_BEAT_STATES = {"stale", "unfinished", "failed"}


def broker_status() -> dict[str, str]:
    """PING the broker with a throw-away client that gives up within ~1.5 s."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", "")
        ok = bool(folder) and Path(folder).is_dir()
        return {"status": "ok" if ok else "error", "transport": url.split(":")[0]}
    import redis

    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=BROKER_CONNECT_TIMEOUT,
        socket_timeout=BROKER_READ_TIMEOUT,
        retry=None,
        retry_on_timeout=False,
    )
    try:
        client.ping()
    except Exception as exc:  # refused, timed out, frozen, half-open: all "error"
        return {"status": "error", "transport": "redis", "error": exc.__class__.__name__}
    finally:
        client.close()
    return {"status": "ok", "transport": "redis"}


def beat_status(now: datetime) -> dict[str, Any]:
    """How the last beat run of the sweeps went.

    ``never``; ``running`` (under way); ``ok``; ``failed`` (a sweep stopped or objects
    failed); ``unfinished`` (it died: no end recorded long after it should have
    ended); ``stale`` (beat has not run for two periods). ``open_failures`` counts the
    objects the sweeps keep failing on (the operations page lists them).
    """
    open_failures = SweepFailure.objects.filter(cleared_at__isnull=True).count()
    last = SweepRun.objects.filter(trigger="beat").order_by("-started_at").first()
    if last is None:
        return {"status": "never", "last_run": "", "open_failures": open_failures}
    status = last.state(now, lifetime=RUN_LIFETIME)
    if status in {"ok", "running"} and now - last.started_at >= BEAT_STALE_AFTER:
        status = "stale"
    return {
        "status": status,
        "last_run": last.started_at.isoformat(),
        "finished": last.finished_at.isoformat() if last.finished_at else "",
        "open_failures": open_failures,
    }


def outbox_status(now: datetime) -> dict[str, Any]:
    """E-mails due and how long the oldest has waited; failed and uncertain ones."""
    counts = dict(
        EmailOutbox.objects.filter(
            status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.UNKNOWN]
        )
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    oldest = EmailOutbox.objects.due(now).aggregate(oldest=Min("send_after"))["oldest"]
    waited = (now - oldest).total_seconds() if oldest else 0
    stalled = waited > OUTBOX_STALLED_AFTER.total_seconds()
    return {
        "status": "stalled" if stalled else "ok",
        "pending": counts.get(OutboxStatus.PENDING, 0),
        "oldest_due_seconds": int(waited),
        "failed": counts.get(OutboxStatus.FAILED, 0),
        "unknown": counts.get(OutboxStatus.UNKNOWN, 0),
    }


def degraded(checks: dict[str, dict[str, Any]]) -> bool:
    """The site serves pages, but reminders or e-mail are not flowing as they should."""
    beat = checks.get("beat", {})
    return (
        checks["broker"]["status"] != "ok"
        or beat.get("status") in BAD_BEAT_STATES
        or bool(beat.get("open_failures"))
        or checks.get("outbox", {}).get("status") == "stalled"
        or bool(checks.get("outbox", {}).get("unknown"))
    )
