"""The e-mail outbox: every e-mail is sent at most once, and none is given up silently.

Rows are written in the transaction that decided to send them (``notify``, digests).
A sender (the ``send_outbox`` task, one per batch, never one per e-mail) drains them:

1. **claim** a small batch with ``SELECT … FOR UPDATE SKIP LOCKED`` (``claimed``):
   concurrent senders never get the same row;
2. open the SMTP connection; if that fails nothing was sent, so the whole batch goes
   back to ``pending`` with a backoff (an SMTP outage costs one attempt per batch);
3. per row, commit ``sending`` with the attempt number just before the SMTP
   transaction, then send with a Message-ID derived from the row (``EmailOutbox.uuid``);
4. record ``sent`` in its own autocommit UPDATE, retried across a lost database
   connection, conditional on the row still being ``sending`` in that attempt.

What can go wrong, and what happens:

- the server refuses (a reply code), or the connection fails before the message:
  not delivered; retried with capped exponential backoff until ``retry_until``
  (``OUTBOX_RETRY_WINDOW``, 24 h by default), then ``failed``; a permanent refusal
  of the address (5xx to RCPT) is ``failed`` at once. Managers can send a failed
  e-mail again from the operations page.
- the worker dies (SIGKILL, OOM, lost host): a row still ``claimed`` never reached
  SMTP and is put back by ``requeue_stale_claims``; a row in ``sending`` may have been
  accepted by the server before the sent mark, so it becomes ``unknown``. It is not
  sent again blindly: a manager looks it up by its Message-ID in the relay's log and
  either marks it sent or sends it again (same Message-ID). Setting
  ``OUTBOX_RESEND_UNKNOWN = True`` resends such rows automatically instead, which is
  right only when the relay or the recipients de-duplicate by Message-ID.
- the connection drops during the SMTP transaction (timeout, disconnect): same
  ``unknown``, for the same reason.
- a soft time limit stops the task: not an SMTP failure; untouched claims go back
  to ``pending`` without counting an attempt.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .models import EmailOutbox, OutboxStatus

if TYPE_CHECKING:
    from .models import User

logger = logging.getLogger(__name__)

CLAIM_BATCH = 20
# Longer than a sender can live (the task's hard time limit), so a claim this old was
# left by a dead worker.
STALE_AFTER = timedelta(minutes=10)
BACKOFF_MAX = timedelta(minutes=30)
DEFAULT_RETRY_WINDOW = timedelta(hours=24)
# How long one task drains the outbox before leaving the rest to the next one: short
# enough for a warm shutdown (docker stop waits 10 s) to catch it between two e-mails.
DEFAULT_TIME_BUDGET = 20.0


def retry_window() -> timedelta:
    return getattr(settings, "OUTBOX_RETRY_WINDOW", DEFAULT_RETRY_WINDOW)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after each failed attempt, never more than BACKOFF_MAX."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_MAX)


# --- Claiming ---------------------------------------------------------------------------
def claim_outbox(now: datetime, *, batch: int = CLAIM_BATCH) -> list[EmailOutbox]:
    """Claim up to ``batch`` due e-mails; concurrent senders never get the same row."""
    with transaction.atomic():
        rows = list(
            EmailOutbox.objects.due(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("reminder")
            .order_by("send_after", "id")[:batch]
        )
        EmailOutbox.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=OutboxStatus.CLAIMED, claimed_at=now
        )
    for row in rows:
        row.status, row.claimed_at = OutboxStatus.CLAIMED, now
    return rows


def release_claims(rows: list[EmailOutbox], *, send_after: datetime) -> int:
    """Give rows claimed by this sender, not yet started, back (no attempt counted)."""
    return EmailOutbox.objects.filter(
        pk__in=[row.pk for row in rows], status=OutboxStatus.CLAIMED
    ).update(status=OutboxStatus.PENDING, claimed_at=None, send_after=send_after)


def requeue_stale_claims(now: datetime, *, older_than: timedelta = STALE_AFTER) -> int:
    """Rows left by a sender that died: ``claimed`` goes back (SMTP never started);
    ``sending`` becomes ``unknown`` (the server may have accepted it) unless
    ``OUTBOX_RESEND_UNKNOWN`` says the relay de-duplicates by Message-ID."""
    stale = EmailOutbox.objects.stale_claims(now, older_than)
    back = stale.filter(status=OutboxStatus.CLAIMED).update(
        status=OutboxStatus.PENDING, claimed_at=None
    )
    uncertain = stale.filter(status=OutboxStatus.SENDING)
    if getattr(settings, "OUTBOX_RESEND_UNKNOWN", False):
        return back + uncertain.update(status=OutboxStatus.PENDING, claimed_at=None)
    marked = uncertain.update(
        status=OutboxStatus.UNKNOWN,
        claimed_at=None,
        last_error="The sender stopped during the SMTP transaction: check the relay's log "
        "for this Message-ID, then mark it sent or send it again.",
    )
    if marked:
        logger.error("%s e-mail(s) may or may not have been delivered (unknown)", marked)
    return back + marked


# --- Sending ----------------------------------------------------------------------------
class _NotSent(Exception):
    """SMTP said no, or never got the message: safe to try again."""

    def __init__(self, error: BaseException, *, permanent: bool = False) -> None:
        super().__init__(f"{error.__class__.__name__}: {error}")
        self.permanent = permanent


class _Uncertain(Exception):
    """The SMTP transaction broke off: the server may or may not have the message."""


def build_message(row: EmailOutbox) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_email],
        headers={"Message-ID": row.message_id},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


def _deliver(mailer: Any, message: EmailMultiAlternatives) -> None:
    """One message over an open mailer, with SMTP failures sorted by what they mean."""
    try:
        mailer.send_messages([message])
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        raise _NotSent(exc, permanent=all(500 <= code < 600 for code in codes)) from exc
    except smtplib.SMTPResponseException as exc:  # a reply code: the server refused it
        raise _NotSent(exc) from exc
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise _Uncertain(f"{exc.__class__.__name__}: {exc}") from exc


def _autocommit_update(pk: int, expected: dict[str, Any], **values: Any) -> int:
    """One conditional UPDATE in its own transaction, retried over a lost connection.

    The SMTP server already has the message when this records ``sent``: a dropped
    database connection must not undo that knowledge, or the row would look unsent.
    """
    delays = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)
    for attempt, delay in enumerate(delays):
        time.sleep(delay)
        try:
            return EmailOutbox.objects.filter(pk=pk, **expected).update(**values)
        except DatabaseError:
            if connection.in_atomic_block or attempt == len(delays) - 1:
                raise
            logger.warning("Outbox update of #%s failed; reconnecting", pk, exc_info=True)
            connection.close()
    return 0


def _fail(row: EmailOutbox, error: str, now: datetime, *, permanent: bool = False) -> None:
    """Record a failed attempt: again later, or ``failed`` when the window is over."""
    deadline = row.retry_until or row.created_at + retry_window()
    again = now + backoff(row.attempts)
    give_up = permanent or again > deadline
    EmailOutbox.objects.filter(pk=row.pk, status=row.status).update(
        status=OutboxStatus.FAILED if give_up else OutboxStatus.PENDING,
        attempts=row.attempts,
        last_error=error[:2000],
        send_after=again,
        claimed_at=None,
    )
    if give_up:
        logger.error("E-mail #%s to %s failed for good: %s", row.pk, row.to_email, error)


# "app_label.model" -> predicate(ids) -> the ids still worth reminding about.
RELEVANCE: dict[str, Callable[[set[int]], set[int]]] = {}


def register_relevance(
    model_label: str,
) -> Callable[[Callable[[set[int]], set[int]]], Callable[[set[int]], set[int]]]:
    """Register how to tell whether reminders about objects of a model still matter.

    An e-mail waiting in the outbox about a dispute that was resolved (or a meeting that
    was cancelled) in the meantime is dropped instead of sent.
    """

    def decorator(func):
        RELEVANCE[model_label] = func
        return func

    return decorator


def irrelevant_rows(rows: list[EmailOutbox]) -> set[int]:
    """Outbox rows whose reminder's object was closed, cancelled or deleted meanwhile."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        reminder = row.reminder
        if reminder and reminder.object_type in RELEVANCE and reminder.object_id:
            wanted.setdefault(reminder.object_type, set()).add(reminder.object_id)
    still = {label: RELEVANCE[label](ids) for label, ids in wanted.items()}
    return {
        row.pk
        for row in rows
        if row.reminder
        and row.reminder.object_type in still
        and row.reminder.object_id not in still[row.reminder.object_type]
    }


@contextmanager
def _open_mailer() -> Iterator[Any]:
    mailer = mailers.default
    try:
        mailer.open()
        yield mailer
    finally:
        try:
            mailer.close()
        except Exception:  # closing a broken SMTP connection: nothing left to do
            logger.debug("Closing the mailer failed", exc_info=True)


_stop = threading.Event()


def stop_sending() -> None:
    """The worker is shutting down: finish the e-mail in hand, give the rest back."""
    _stop.set()


def send_batch(rows: list[EmailOutbox], now: datetime) -> int:
    """Send claimed rows over one SMTP connection. Returns how many were sent."""
    dropped = irrelevant_rows(rows)
    if dropped:
        EmailOutbox.objects.filter(pk__in=dropped, status=OutboxStatus.CLAIMED).update(
            status=OutboxStatus.DROPPED, claimed_at=None, last_error="No longer relevant."
        )
    todo = [row for row in rows if row.pk not in dropped]
    if not todo:
        return 0
    sent = 0
    try:
        with _open_mailer() as mailer:
            for row in todo:
                if _stop.is_set():
                    release_claims(todo, send_after=now)
                    break
                if getattr(mailer, "connection", True) is None:
                    mailer.open()  # the last SMTP transaction broke off: a new connection
                sent += _send_one(mailer, row, now)
    except SoftTimeLimitExceeded:
        release_claims(todo, send_after=now)
        raise
    except (OSError, smtplib.SMTPException) as exc:
        # Opening the connection failed: no row still claimed reached the server.
        error = f"{exc.__class__.__name__}: {exc}"
        postponed = [row for row in todo if row.status == OutboxStatus.CLAIMED]
        for row in postponed:
            row.attempts += 1
            _fail(row, error, now)
        logger.warning("SMTP unavailable, %s e-mail(s) postponed: %s", len(postponed), error)
    return sent


def _send_one(mailer: Any, row: EmailOutbox, now: datetime) -> int:
    attempt = row.attempts + 1
    message = build_message(row)
    started = EmailOutbox.objects.filter(pk=row.pk, status=OutboxStatus.CLAIMED).update(
        status=OutboxStatus.SENDING, attempts=attempt, claimed_at=now
    )
    if not started:
        return 0  # put back or settled by someone else meanwhile
    row.status, row.attempts = OutboxStatus.SENDING, attempt
    try:
        _deliver(mailer, message)
    except _NotSent as exc:
        _fail(row, str(exc), now, permanent=exc.permanent)
        return 0
    except _Uncertain as exc:
        mailer.close()
        _mark_unknown(row, str(exc))
        return 0
    except SoftTimeLimitExceeded:
        _mark_unknown(row, "Stopped by the time limit during the SMTP transaction.")
        raise
    except Exception as exc:  # a message that cannot be built or encoded: never sent
        _fail(row, f"{exc.__class__.__name__}: {exc}", now)
        return 0
    _autocommit_update(
        row.pk,
        {"status": OutboxStatus.SENDING, "attempts": attempt},
        status=OutboxStatus.SENT,
        sent_at=timezone.now(),
        claimed_at=None,
        last_error="",
    )
    return 1


def _mark_unknown(row: EmailOutbox, error: str) -> None:
    if getattr(settings, "OUTBOX_RESEND_UNKNOWN", False):
        _fail(row, error, timezone.now())
        return
    _autocommit_update(
        row.pk,
        {"status": OutboxStatus.SENDING, "attempts": row.attempts},
        status=OutboxStatus.UNKNOWN,
        claimed_at=None,
        last_error=error[:2000],
    )


def send_outbox(now: datetime, *, batch: int = CLAIM_BATCH, budget: float | None = None) -> int:
    """Drain the outbox: batch after batch until nothing is due or ``budget`` seconds
    have passed (the next run takes the rest). Returns how many e-mails were sent."""
    budget = (
        getattr(settings, "OUTBOX_TIME_BUDGET", DEFAULT_TIME_BUDGET) if budget is None else budget
    )
    deadline = time.monotonic() + budget
    sent = 0
    while True:
        rows = claim_outbox(now, batch=batch)
        if not rows:
            break
        sent += send_batch(rows, now)
        if time.monotonic() >= deadline or _stop.is_set():
            break
    return sent


# --- A manager's decisions (operations page) -------------------------------------------
def outbox_send_again(*, row: EmailOutbox, by: User, now: datetime) -> EmailOutbox:
    """Queue a ``failed`` or ``unknown`` e-mail again (same Message-ID), with a fresh
    retry window. Saved with ``save()`` so the audit trail records who decided."""
    if row.status not in {OutboxStatus.FAILED, OutboxStatus.UNKNOWN}:
        raise ValueError("Only failed or uncertain e-mails can be sent again.")
    row.status = OutboxStatus.PENDING
    row.send_after = now
    row.retry_until = now + retry_window()
    row.claimed_at = None
    row._history_user = by  # type: ignore[attr-defined]
    row.save(update_fields=["status", "send_after", "retry_until", "claimed_at"])
    return row


def outbox_mark_sent(*, row: EmailOutbox, by: User, now: datetime) -> EmailOutbox:
    """Settle an ``unknown`` e-mail that the relay's log shows as delivered."""
    if row.status != OutboxStatus.UNKNOWN:
        raise ValueError("Only e-mails whose delivery is uncertain can be marked sent.")
    row.status = OutboxStatus.SENT
    row.sent_at = now
    row._history_user = by  # type: ignore[attr-defined]
    row.save(update_fields=["status", "sent_at"])
    return row
