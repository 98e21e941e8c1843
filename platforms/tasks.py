"""Thin Celery task: ``services.platform_pull`` then ``services.pull_store`` (the import).

The HTTP clients already retry with backoff inside one run; a pull that still fails is
recorded on the connection and left to the next sweep, rather than retried with an
ETA (no task in VendorHub uses one: Redis would redeliver it on a visibility timeout).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from vendorhub.tasks import CappedRedeliveryTask

from .connectors import ConnectorError
from .models import PlatformConnection
from .services import connection_record_attempt, platform_pull, pull_store

logger = logging.getLogger(__name__)


@shared_task(base=CappedRedeliveryTask, soft_time_limit=600, time_limit=660)
def pull_platform_data(connection_id: int) -> dict:
    """Pull the due window of one enabled connection; a summary for logs and tests."""
    now = timezone.now()
    connection = (
        PlatformConnection.objects.enabled().select_related("vendor").filter(pk=connection_id)
    ).first()
    if connection is None:
        return {"connection": connection_id, "skipped": "disabled or deleted"}
    window = connection.pull_window(now)
    if window is None:
        return {"connection": connection_id, "skipped": "nothing due"}
    try:
        result = platform_pull(connection=connection, start=window[0], end=window[1], now=now)
    except ConnectorError as exc:
        logger.warning("Platform pull failed for connection %s: %s", connection_id, exc)
        connection_record_attempt(connection=connection, now=now, error=str(exc))
        return {"connection": connection_id, "error": str(exc)}
    imported = pull_store(connection=connection, result=result)
    problems = "; ".join(f"{e.row or '-'} {e.field}: {e.message}" for e in imported.errors[:20])
    connection_record_attempt(connection=connection, now=now, error=problems)
    return {
        "connection": connection_id,
        "start": result.start.isoformat(),
        "end": result.end.isoformat(),
        "rows": len(result.rows),
        "errors": len(imported.errors),
        "created": imported.created,
        "updated": imported.updated,
    }
