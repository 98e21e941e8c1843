"""Reminders: exactly-once notifications from periodic sweeps, failures kept to one object.

Each sweep is a plain function ``sweep_x(now) -> int`` registered with ``@register``;
``run_all_sweeps(now)`` runs them all (beat's ``send_reminders`` task and the
``send_reminders`` command call it). A sweep calls ``remind(...)`` for every reminder it
thinks is due. ``remind`` inserts a ``Reminder`` row whose unique key names the kind,
the object, the stage and the due instant, in the same transaction as the in-app
notifications and the e-mail outbox rows: a retried, repeated or concurrent sweep hits
the unique key and sends nothing; a worker killed before the commit leaves nothing
behind, so the next run sends it. E-mail leaves through the outbox (``outbox.py``).

**One bad row never stops a sweep.** A sweep hands each object's work to
``isolated(obj, work)``: its own transaction (a savepoint inside an outer one). If it
raises, that object's writes are rolled back, the failure is logged and recorded as an
open ``SweepFailure`` (shown to managers on the operations page, cleared by the next
complete run that no longer fails on it) and the sweep goes on. ``isolated_chunk`` is
the same for set-based work on a chunk of objects: one transaction for the chunk, and
if it fails each object again alone, so a bad row costs its chunk one retry, not the
run. A lost database connection is not an object's fault: it is re-opened and the
object tried once more; if that fails too the sweep stops and the next run resumes.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone

from .models import (
    Reminder,
    Role,
    SweepFailure,
    SweepRun,
    User,
)
from .notifications import notify
from .outbox import register_relevance
from .outbox_kick import kicks_deferred

__all__ = [
    "SWEEPS",
    "SweepOutcome",
    "isolated",
    "isolated_chunk",
    "keyset_chunks",
    "register",
    "register_relevance",
    "remind",
    "run_all_sweeps",
    "sweep_failure_record",
]

if TYPE_CHECKING:
    from .models import Vendor

logger = logging.getLogger(__name__)

Sweep = Callable[[datetime], int]
SWEEPS: dict[str, Sweep] = {}
# A run that has not finished after this long died (the sweep task's hard time limit).
RUN_LIFETIME = timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 300) + 60)


@dataclass
class _RunContext:
    run: SweepRun | None
    sweep: str = ""
    failures: list[str] = field(default_factory=list)


_context: ContextVar[_RunContext | None] = ContextVar("sweep_run", default=None)


def register(name: str) -> Callable[[Sweep], Sweep]:
    """Add a sweep to ``run_all_sweeps`` (apps register theirs in ``AppConfig.ready``).

    The registered function, called by a run or on its own, knows its name (failures
    are recorded under it), asks for one e-mail sender at its end rather than one per
    reminder, and clears the failures it no longer meets once it completes.
    """

    def decorator(func: Sweep) -> Sweep:
        @functools.wraps(func)
        def sweep(now: datetime) -> int:
            outer = _context.get()
            context = _RunContext(run=outer.run if outer else None, sweep=name)
            token = _context.set(context)
            started = timezone.now()
            try:
                with kicks_deferred():
                    count = func(now)
            finally:
                _context.reset(token)
                if outer is not None:
                    outer.failures.extend(context.failures)
            SweepFailure.objects.filter(
                sweep=name, cleared_at__isnull=True, last_failed_at__lt=started
            ).update(cleared_at=timezone.now())
            return count

        SWEEPS[name] = sweep
        return sweep

    return decorator


# --- Failure isolation --------------------------------------------------------------
def _connection_lost() -> bool:
    """True when the database connection itself is gone (not this object's fault)."""
    return connection.connection is not None and not connection.is_usable()


def _reconnect() -> bool:
    """Drop a dead connection so the next query opens a new one (outside transactions)."""
    if connection.in_atomic_block:
        return False
    connection.close()
    return True


def isolated(obj: Any, work: Callable[[], int], *, detail: str = "") -> int:
    """Do one object's work in its own transaction; if it fails, only that object does.

    Returns what ``work`` returned, or 0 after a failure (logged and recorded). A time
    limit is not a failure of the object: it stops the sweep.
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return work()
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:
            if _connection_lost():
                if attempt == 1 and _reconnect():
                    logger.warning("Database connection lost; retrying %r", obj)
                    continue
                raise
            sweep_failure_record(obj, exc, detail=detail)
            return 0
    return 0


def isolated_chunk[T](
    objs: Sequence[T],
    together: Callable[[Sequence[T]], int],
    alone: Callable[[T], int],
    *,
    detail: Callable[[T], str] | None = None,
) -> int:
    """Set-based work on a chunk in one transaction; if that fails, each object alone
    (``isolated``), so one bad row costs its chunk a retry and nothing more."""
    try:
        with transaction.atomic():
            return together(objs)
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        if _connection_lost() and not _reconnect():
            raise
        logger.warning("A chunk of %s objects failed; retrying one by one", len(objs))
    return sum(
        isolated(obj, functools.partial(alone, obj), detail=detail(obj) if detail else "")
        for obj in objs
    )


def keyset_chunks[M: Model](queryset: QuerySet[M], size: int = 500) -> Iterator[list[M]]:
    """``queryset`` in primary-key order, ``size`` rows per query. No cursor stays open
    between chunks, so a connection lost meanwhile costs one reconnect, not the sweep."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        try:
            rows = list(page[:size])
        except DatabaseError:
            if not (_connection_lost() and _reconnect()):
                raise
            rows = list(page[:size])
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = rows[-1].pk


def _describe(obj: Any) -> tuple[str, int | None, str, str]:
    """(object type, id, text, url) of whatever a sweep failed on, never raising."""
    meta = getattr(obj, "_meta", None)
    label = meta.label_lower if meta else type(obj).__name__
    pk = getattr(obj, "pk", None)
    try:
        text = str(obj)
    except Exception:
        text = f"{label} #{pk}"
    try:
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    except Exception:
        url = ""
    return label, pk if isinstance(pk, int) else None, text[:200], url[:500]


def sweep_failure_record(obj: Any, exc: BaseException, *, detail: str = "") -> None:
    """Log and record that the current sweep failed on ``obj`` (kept open until it
    stops failing), and count it for the current run."""
    context = _context.get()
    sweep = context.sweep if context else "unknown"
    label, pk, text, url = _describe(obj)
    error = f"{exc.__class__.__name__}: {exc}".strip()[:2000]
    logger.error("Sweep %s failed on %s #%s %s: %s", sweep, label, pk, detail, error, exc_info=exc)
    if context is not None:
        context.failures.append(f"{sweep}: {label} #{pk} “{text}” {detail} — {error}")
    now = timezone.now()
    values = {
        "error": error,
        "last_failed_at": now,
        "run": context.run if context else None,
        "object_repr": text,
        "url": url,
    }
    key = {"sweep": sweep, "object_type": label, "object_id": pk, "detail": detail[:100]}
    for _ in range(2):
        open_failure = SweepFailure.objects.filter(cleared_at__isnull=True, **key)
        if open_failure.update(occurrences=F("occurrences") + 1, **values):
            return
        try:
            with transaction.atomic():
                SweepFailure.objects.create(first_failed_at=now, **key, **values)
            return
        except IntegrityError:
            continue  # a concurrent run recorded it first: count this one on it


# --- Running every sweep ------------------------------------------------------------
@dataclass
class SweepOutcome:
    """What one run of every sweep did: counts, objects that failed, sweeps that stopped."""

    run: SweepRun
    counts: dict[str, int]
    failures: list[str]
    errors: list[str]

    @property
    def ok(self) -> bool:
        return not self.failures and not self.errors

    def summary(self) -> str:
        lines = [f"{len(self.failures)} object(s) failed:"] if self.failures else []
        lines += [f"  {line}" for line in self.failures]
        if self.errors:
            lines.append(f"{len(self.errors)} sweep(s) stopped:")
            lines += [f"  {line}" for line in self.errors]
        return "\n".join(lines)


def run_all_sweeps(now: datetime, *, trigger: str = "beat") -> SweepOutcome:
    """Run every registered sweep once. An object that fails is its sweep's only loss;
    a sweep that stops (database gone) does not stop the others. The run stays
    unfinished (``finished_at`` empty) if the process dies before its end."""
    run = SweepRun.objects.create(started_at=timezone.now(), now=now, trigger=trigger)
    context = _RunContext(run=run)
    token = _context.set(context)
    counts: dict[str, int] = {}
    errors: list[str] = []
    try:
        with kicks_deferred():
            for name, sweep in SWEEPS.items():
                try:
                    counts[name] = sweep(now)
                except SoftTimeLimitExceeded:
                    errors.append(f"{name}: stopped by the time limit; the next run resumes")
                    _finish(run, counts, context.failures, errors)
                    raise
                except Exception as exc:  # reported; the next run tries again
                    logger.exception("Reminder sweep %s stopped", name)
                    errors.append(f"{name}: {exc.__class__.__name__}: {exc}")
                    if _connection_lost():
                        _reconnect()
    finally:
        _context.reset(token)
    _finish(run, counts, context.failures, errors)
    return SweepOutcome(run=run, counts=counts, failures=context.failures, errors=errors)


def _finish(run: SweepRun, counts: dict[str, int], failures: list[str], errors: list[str]):
    run.finished_at = timezone.now()
    run.counts = counts
    run.failure_count = len(failures)
    run.error = "\n".join(errors)
    run.save(update_fields=["finished_at", "counts", "failure_count", "error"])


def as_instant(due: datetime | date | None) -> datetime | None:
    """Due dates (a notice deadline, an action's due date) count from midnight UTC."""
    if due is None or isinstance(due, datetime):
        return due
    return datetime(due.year, due.month, due.day, tzinfo=timezone.UTC)


def or_managers(people: Iterable[User | None]) -> list[User]:
    """The given people, or every active manager when nobody is named."""
    named = [person for person in people if person is not None]
    return named or list(User.objects.filter(role=Role.MANAGER, is_active=True))


def sent_keys(keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` were sent already (one query; lets sweeps skip quickly)."""
    wanted = list(dict.fromkeys(keys))
    return set(Reminder.objects.filter(key__in=wanted).values_list("key", flat=True))


def reminder_key(kind: str, obj: object, stage: str, due_at: datetime | None) -> str:
    label = f"{obj._meta.label_lower}:{obj.pk}" if hasattr(obj, "_meta") else str(obj)
    due = due_at.astimezone(timezone.UTC).strftime("%Y%m%dT%H%M%SZ") if due_at else "-"
    return f"{kind}:{label}:{stage}:{due}"[:255]


def remind(
    *,
    kind: str,
    obj: object,
    stage: str,
    due_at: datetime | date | None,
    recipients: Iterable[User],
    message: str,
    url: str = "",
    vendor: Vendor | None = None,
    subject: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Send one reminder exactly once. Returns False when it had been sent already.

    Notifications go to the allowed recipients (partners only about their own vendor);
    those who want e-mail immediately and have an address get an outbox row too.
    """
    now = now or timezone.now()
    due_at = as_instant(due_at)
    key = reminder_key(kind, obj, stage, due_at)
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                key=key,
                kind=kind,
                stage=stage,
                due_at=due_at,
                vendor=vendor,
                object_type=getattr(getattr(obj, "_meta", None), "label_lower", ""),
                object_id=getattr(obj, "pk", None),
                message=message[:500],
                url=url,
                created_at=now,
            )
            notifications = notify(
                recipients=recipients,
                kind=kind,
                message=message,
                url=url,
                vendor=vendor,
                subject=subject,
                reminder=reminder,
                now=now,
            )
            reminder.recipient_count = len(notifications)
            reminder.save(update_fields=["recipient_count"])
    except IntegrityError:
        if Reminder.objects.filter(key=key).exists():
            return False  # sent by an earlier or concurrent run
        raise
    return True
