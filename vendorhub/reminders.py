"""Reminders: exactly-once notifications from periodic sweeps, and the e-mail outbox.

Each sweep is a plain function ``sweep_x(now) -> int`` registered with ``@register``;
``run_all_sweeps(now)`` runs them all (beat's ``send_reminders`` task and the
``send_reminders`` command call it). A sweep calls ``remind(...)`` for every reminder it
thinks is due. ``remind`` inserts a ``Reminder`` row whose unique key names the kind,
the object, the stage and the due instant, in the same transaction as the in-app
notifications and the e-mail outbox rows: a retried, repeated or concurrent sweep hits
the unique key and sends nothing; a worker killed before the commit leaves nothing
behind, so the next run sends it. E-mail leaves through the outbox (``send_outbox``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import (
    EmailOutbox,
    Notification,
    NotificationDelivery,
    OutboxStatus,
    Reminder,
    Role,
    SweepRun,
    User,
)
from .notifications import absolute_url, enqueue_outbox, notify

if TYPE_CHECKING:
    from .models import Vendor

logger = logging.getLogger(__name__)

Sweep = Callable[[datetime], int]
SWEEPS: dict[str, Sweep] = {}
# "app_label.model" -> predicate(ids) -> the ids still worth reminding about.
RELEVANCE: dict[str, Callable[[set[int]], set[int]]] = {}

OUTBOX_MAX_ATTEMPTS = 5
OUTBOX_STALE_AFTER = timedelta(minutes=10)


def register(name: str) -> Callable[[Sweep], Sweep]:
    """Add a sweep to ``run_all_sweeps`` (apps register theirs in ``AppConfig.ready``)."""

    def decorator(func: Sweep) -> Sweep:
        SWEEPS[name] = func
        return func

    return decorator


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


def run_all_sweeps(now: datetime, *, trigger: str = "beat") -> dict[str, int]:
    """Run every registered sweep once; one failing sweep does not stop the others."""
    run = SweepRun.objects.create(started_at=timezone.now(), now=now, trigger=trigger)
    counts: dict[str, int] = {}
    errors = []
    for name, sweep in SWEEPS.items():
        try:
            counts[name] = sweep(now)
        except Exception as exc:  # reported, and the next run tries again
            logger.exception("Reminder sweep %s failed", name)
            errors.append(f"{name}: {exc.__class__.__name__}: {exc}")
    run.finished_at = timezone.now()
    run.counts = counts
    run.error = "\n".join(errors)
    run.save(update_fields=["finished_at", "counts", "error"])
    if errors:
        raise RuntimeError("; ".join(errors))
    return counts


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


# --- Outbox --------------------------------------------------------------------------
def claim_outbox(now: datetime, *, batch: int = 50) -> list[EmailOutbox]:
    """Claim up to ``batch`` due e-mails; concurrent senders never get the same row."""
    with transaction.atomic():
        rows = list(
            EmailOutbox.objects.due(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("reminder")
            .order_by("send_after", "id")[:batch]
        )
        ids = [row.pk for row in rows]
        EmailOutbox.objects.filter(pk__in=ids).update(status=OutboxStatus.CLAIMED, claimed_at=now)
    return rows


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


def send_outbox(now: datetime, *, batch: int = 50) -> int:
    """Send claimed e-mails; a failure is retried up to OUTBOX_MAX_ATTEMPTS, then kept.

    An e-mail about something that stopped mattering (closed, cancelled, deleted) since
    its reminder was decided is dropped, not sent.
    """
    sent = 0
    rows = claim_outbox(now, batch=batch)
    dropped = irrelevant_rows(rows)
    if dropped:
        EmailOutbox.objects.filter(pk__in=dropped).update(
            status=OutboxStatus.DROPPED, claimed_at=None, last_error="No longer relevant."
        )
    for row in rows:
        if row.pk in dropped:
            continue
        message = EmailMultiAlternatives(
            subject=row.subject,
            body=row.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[row.to_email],
        )
        if row.body_html:
            message.attach_alternative(row.body_html, "text/html")
        try:
            message.send()
        except Exception as exc:  # SMTP errors of every kind end up in the outbox row
            attempts = row.attempts + 1
            EmailOutbox.objects.filter(pk=row.pk).update(
                attempts=attempts,
                last_error=f"{exc.__class__.__name__}: {exc}"[:2000],
                status=OutboxStatus.FAILED
                if attempts >= OUTBOX_MAX_ATTEMPTS
                else OutboxStatus.PENDING,
                send_after=now + timedelta(minutes=2**attempts),
                claimed_at=None,
            )
            continue
        EmailOutbox.objects.filter(pk=row.pk).update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), attempts=row.attempts + 1
        )
        sent += 1
    return sent


def requeue_stale_claims(now: datetime, *, older_than: timedelta = OUTBOX_STALE_AFTER) -> int:
    """Put back e-mails claimed by a sender that died before marking them."""
    return EmailOutbox.objects.stale_claims(now, older_than).update(
        status=OutboxStatus.PENDING, claimed_at=None
    )


# --- Daily digest ----------------------------------------------------------------------
def send_digests(now: datetime) -> int:
    """One e-mail a day per digest user with the unread notifications of the last 24 h."""
    since = now - timedelta(days=1)
    users = User.objects.filter(
        is_active=True, notification_delivery=NotificationDelivery.DIGEST
    ).exclude(email="")
    pending = (
        Notification.objects.filter(
            recipient__in=users, created_at__gte=since, created_at__lt=now, read_at__isnull=True
        )
        .select_related("recipient")
        .order_by("recipient_id", "-created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in pending:
        by_user.setdefault(notification.recipient_id, []).append(notification)
    count = 0
    day = now.astimezone(timezone.UTC).date()
    for items in by_user.values():
        user = items[0].recipient
        key = f"digest:user:{user.pk}:{day.isoformat()}"
        context = {
            "user": user,
            "items": [
                {"message": n.message, "url": absolute_url(n.url) if n.url else ""} for n in items
            ],
            "preferences_url": absolute_url("/accounts/profile/"),
        }
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    key=key,
                    kind="digest",
                    stage=day.isoformat(),
                    message=f"Daily digest: {len(items)} notifications",
                    recipient_count=1,
                    created_at=now,
                )
                EmailOutbox.objects.create(
                    recipient=user,
                    to_email=user.email,
                    subject=f"[VendorHub] Your daily digest: {len(items)} new",
                    body_text=render_to_string("email/digest.txt", context),
                    body_html=render_to_string("email/digest.html", context),
                    reminder=reminder,
                    send_after=now,
                    created_at=now,
                )
        except IntegrityError:
            continue
        count += 1
    if count:
        transaction.on_commit(enqueue_outbox)
    return count
