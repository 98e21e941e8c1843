"""The rows that make reminders exactly-once: sent reminders (unique key), the e-mail
outbox, sweep runs and the objects sweeps failed on."""

from __future__ import annotations

import uuid
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .vendors import Vendor, VendorOwnedQuerySet


class Reminder(models.Model):
    """One reminder that was sent: its unique ``key`` is what makes sweeps exactly-once.

    The key names the kind, the object, the stage and the due instant, so a retried,
    repeated or concurrent sweep finds the row already there and sends nothing. The row
    is written in the same transaction as its notifications and e-mail outbox rows.
    """

    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=64)
    stage = models.CharField(max_length=64, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # What the reminder is about ("disputes.dispute", 42): checked again before e-mailing.
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = VendorOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.key


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    CLAIMED = "claimed", "Claimed by a sender"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    UNKNOWN = "unknown", "Delivery uncertain"
    FAILED = "failed", "Failed"
    DROPPED = "dropped", "Dropped (no longer relevant)"


class EmailOutboxQuerySet(models.QuerySet["EmailOutbox"]):
    def due(self, now) -> EmailOutboxQuerySet:
        return self.filter(status=OutboxStatus.PENDING, send_after__lte=now)

    def stale_claims(self, now, older_than) -> EmailOutboxQuerySet:
        """Claimed (SMTP not started) or sending (SMTP started) longer than a sender
        can live: its worker died."""
        return self.filter(
            status__in=[OutboxStatus.CLAIMED, OutboxStatus.SENDING],
            claimed_at__lt=now - older_than,
        )

    def need_attention(self) -> EmailOutboxQuerySet:
        """What a manager must look at: given up, or maybe sent and maybe not."""
        return self.filter(status__in=[OutboxStatus.FAILED, OutboxStatus.UNKNOWN])


class EmailOutbox(models.Model):
    """An e-mail waiting to be sent, written in the transaction that decided to send it.

    Delivery is a small state machine (``vendorhub/outbox.py``): a sender *claims* rows
    (``SELECT … FOR UPDATE SKIP LOCKED``), marks one *sending* — with the attempt number,
    committed — just before handing it to the SMTP server, and marks it *sent* after.
    A claim whose worker died is put back only if SMTP never started; a row left in
    *sending* may have been delivered, so it becomes *unknown* and waits for a manager
    instead of being sent twice. ``uuid`` gives every e-mail a stable Message-ID, the
    same on every attempt, so a deliberate resend can be recognised as the same message.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbox"
    )
    to_email = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    reminder = models.ForeignKey(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    status = models.CharField(
        max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    send_after = models.DateTimeField(default=timezone.now)
    # Failed attempts are retried until then (created_at + OUTBOX_RETRY_WINDOW; a
    # manager's "send again" starts a new window).
    retry_until = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = EmailOutboxQuerySet.as_manager()
    # Only a manager's actions save() a row (the sender uses conditional UPDATEs), so
    # the history is exactly the audit of who retried or settled which e-mail.
    history = HistoricalRecords(excluded_fields=["body_text", "body_html"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "send_after"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email} ({self.status})"

    @property
    def message_id(self) -> str:
        """The Message-ID header: derived from the row, identical on every attempt."""
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "vendorhub"
        return f"<outbox-{self.uuid}@{domain}>"


class SweepRun(models.Model):
    """When the reminder sweeps last ran and what they did (shown on /healthz).

    ``finished_at`` stays empty while the run is under way and for ever if it died
    (killed worker, lost database): /healthz and the operations page call such a run
    unfinished once it is older than a task may live.
    """

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    now = models.DateTimeField(help_text="The instant the sweeps were run for.")
    trigger = models.CharField(max_length=16, default="beat")  # beat | command
    counts = models.JSONField(default=dict)
    # Objects that failed alone (the rest of their sweep went on): see SweepFailure.
    failure_count = models.PositiveIntegerField(default=0)
    # Sweeps that stopped as a whole (database gone, time limit), one per line.
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trigger} sweep at {self.started_at:%Y-%m-%d %H:%M}"

    def state(self, now, *, lifetime) -> str:
        """``running``, ``unfinished`` (died), ``failed`` (errors or failures) or ``ok``."""
        if self.finished_at is None:
            return "running" if now - self.started_at < lifetime else "unfinished"
        if self.error or self.failure_count:
            return "failed"
        return "ok"


class SweepFailure(models.Model):
    """One object a sweep could not handle, kept open until a run handles it again.

    The sweep goes on with the other objects (each has its own transaction); this row
    says which object failed, how, since when and how often, so a manager can fix the
    data. A later complete run of the same sweep that no longer fails on it clears it.
    """

    run = models.ForeignKey(
        SweepRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="failures"
    )
    sweep = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=100, blank=True, help_text="e.g. the recipient")
    object_repr = models.CharField(max_length=200, blank=True)
    url = models.CharField(max_length=500, blank=True)
    error = models.TextField()
    first_failed_at = models.DateTimeField()
    last_failed_at = models.DateTimeField()
    occurrences = models.PositiveIntegerField(default=1)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_failed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sweep", "object_type", "object_id", "detail"],
                condition=Q(cleared_at__isnull=True),
                name="sweepfailure_one_open_per_object",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sweep}: {self.object_type}#{self.object_id} {self.detail}".strip()
