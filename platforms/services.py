"""Scheduled pulls: fetch a connection's window, parse it, hand it to the import.

``platform_pull`` fetches and parses (it writes nothing); ``pull_store`` gives the
parsed counts to the scorecards import service (the same one behind the import page
and ``POST /api/v1/measurements/import/``): refused whole if anything is wrong,
otherwise upserted as client-measured daily measurements of the connection's vendor,
bucketed in the connection's time zone, and the connection's ``pulled_until``
advanced to the window's end in the same transaction. So no day is skipped before it
is stored, and a repeated pull of the same window updates rather than duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from django.db import transaction

from scorecards.models import Source, SuppliedBy
from scorecards.services import ImportResult, measurements_import_counts

from .connectors import Connector, connector_for
from .counts import IntervalCounts, ParseError
from .models import PlatformConnection
from .parsers import parser_for


@dataclass(frozen=True)
class PullResult:
    """What one pull read: the counts and the problems, for the import service."""

    connection_id: int
    vendor_id: int
    platform: str
    tzinfo: ZoneInfo
    start: datetime
    end: datetime
    rows: list[IntervalCounts] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def platform_pull(
    *,
    connection: PlatformConnection,
    start: datetime,
    end: datetime,
    now: datetime,
    connector: Connector | None = None,
) -> PullResult:
    """Fetch ``[start, end)`` of ``connection`` and parse it; writes nothing.

    Raises ``ValueError`` for a window that is empty or reaches past ``now`` (the
    platforms refuse future end times, and a day still running is not final), and the
    ``connectors`` errors when the platform cannot be read.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be aware datetimes.")
    if not start < end:
        raise ValueError("The window must end after it starts.")
    if end > now:
        raise ValueError("The window must not reach past now.")
    connector = connector or connector_for(connection)
    payload = connector.fetch(connection, start, end)
    parsed = parser_for(connection.platform)(payload)
    return PullResult(
        connection_id=connection.pk,
        vendor_id=connection.vendor_id,
        platform=connection.platform,
        tzinfo=connection.tzinfo,
        start=start,
        end=end,
        rows=parsed.rows,
        errors=parsed.errors,
    )


@transaction.atomic
def pull_store(*, connection: PlatformConnection, result: PullResult) -> ImportResult:
    """Store a pull's counts through the import service, all or nothing, and move
    ``pulled_until`` to the window's end only when they were stored.

    The pull is the client's own reading of the vendor's platform: client-measured,
    source ``platform``, entered by nobody (a system write; the history says so).
    """
    from scorecards.services.imports import ImportFormat, ImportProblem

    imported = ImportResult(
        vendor=connection.vendor,
        format=connection.platform if connection.platform in ImportFormat.values else "",
        dry_run=False,
        supplied_by=SuppliedBy.CLIENT,
    )
    if result.errors:
        imported.errors.extend(ImportProblem(e.path, e.field, e.message) for e in result.errors)
        return imported
    if result.rows:
        measurements_import_counts(
            result=imported,
            rows=result.rows,
            tzinfo=result.tzinfo,
            queues=set(connection.queue_ids),
            by=None,
            source=Source.PLATFORM,
        )
        if imported.errors:
            transaction.set_rollback(True)
            return imported
    # An empty window (no traffic at all) is still a window read: move on.
    PlatformConnection.objects.filter(pk=connection.pk).update(pulled_until=result.end)
    connection.pulled_until = result.end
    return imported


def platform_pull_due(now: datetime) -> int:
    """Enqueue one pull per enabled connection with a complete day not yet stored.

    Returns how many were enqueued. Each task is sent after the surrounding transaction
    commits; a pull is idempotent (it writes nothing yet, and the import will upsert),
    so a repeated sweep costs a request, never a duplicate.
    """
    from .tasks import pull_platform_data

    due = [
        connection.pk
        for connection in PlatformConnection.objects.enabled().select_related("vendor")
        if connection.pull_window(now) is not None
    ]
    for pk in due:
        # robust: a broker that is down must not fail the sweep after its commit; the
        # connection stays due and the next sweep enqueues it again.
        transaction.on_commit(partial(pull_platform_data.delay, pk), robust=True)
    return len(due)


def connection_record_attempt(
    *, connection: PlatformConnection, now: datetime, error: str = ""
) -> None:
    """Remember when a pull last ran and how it failed (shown in the admin).

    Written with ``update()``: an attempt is operational status, not an edit of the
    connection, so it stays out of the history.
    """
    PlatformConnection.objects.filter(pk=connection.pk).update(
        last_attempt_at=now, last_error=error[:2000]
    )
