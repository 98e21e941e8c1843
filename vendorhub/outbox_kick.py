"""Asking a worker to send the outbox now: once per transaction or sweep, never failing.

The e-mails themselves are rows in the outbox, committed with the change that decided
them; this only shortens their wait. Beat runs ``send_outbox`` every minute anyway, so
a broker that is down or frozen must cost a request at most a few seconds (socket
timeouts) once, and nothing after that for a while: the request has committed and
must not fail. The task is sent by name, so nothing here imports the tasks — which is
what keeps ``notifications`` → ``tasks`` → ``reminders`` → ``notifications`` from
being a cycle.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction

from .celery import app as celery_app

logger = logging.getLogger(__name__)

# After the broker failed to take a "send now" message, stop trying for this long.
KICK_PAUSE_AFTER_FAILURE = 30.0

_kick_failed_at: float | None = None


def outbox_kick() -> bool:
    """Ask a worker to drain the outbox now. Best effort, never raises, never blocks long.

    The e-mails are already committed in the outbox, and beat runs ``send_outbox``
    every minute, so a broker that is down or frozen only delays them: the user's
    request (which has committed) must not fail or hang because of it. The task is
    sent by name, so this module does not import the tasks (nor needs them registered
    in a web process).
    """
    global _kick_failed_at
    if _kick_failed_at is not None and time.monotonic() - _kick_failed_at < (
        KICK_PAUSE_AFTER_FAILURE
    ):
        return False
    try:
        # ignore_result: no result-store subscription, which would retry on its own.
        celery_app.send_task("vendorhub.tasks.send_outbox", retry=False, ignore_result=True)
    except Exception:  # any broker error: the beat will send the outbox
        _kick_failed_at = time.monotonic()
        logger.warning("Could not queue send_outbox; beat will send the outbox", exc_info=True)
        return False
    _kick_failed_at = None
    return True


def outbox_kick_on_commit() -> None:
    """``outbox_kick`` once after the current transaction commits (once, however many
    e-mails the transaction queued)."""
    if any(func is outbox_kick for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(outbox_kick, robust=True)


_deferred: ContextVar[list[bool] | None] = ContextVar("outbox_kick_deferred", default=None)


def outbox_queued() -> None:
    """Say that the current transaction queued e-mails: the sender is asked to run after
    the commit, or once at the end of the enclosing ``kicks_deferred`` block."""
    pending = _deferred.get()
    if pending is not None:
        pending.append(True)
        return
    outbox_kick_on_commit()


@contextmanager
def kicks_deferred() -> Iterator[None]:
    """Within this block (a sweep), queued e-mails ask for one sender at its end, not
    one per reminder: a first sweep over thousands of disputes queues one task."""
    if _deferred.get() is not None:  # nested: the outer block kicks
        yield
        return
    pending: list[bool] = []
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
        if pending:
            outbox_kick_on_commit()
