"""The dispute log: disputes, their append-only timeline and the yearly reference counter.

A dispute carries its own clocks (response and resolution due dates from a severity
matrix) as stored columns so that lists, the API and the reminder sweep can filter on
them in SQL; the workflow that moves them lives in ``services.py``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from vendorhub.models import VendorOwnedQuerySet

from .clocks import Clock, ClockState

if TYPE_CHECKING:
    from vendorhub.models import User


class DisputeType(models.TextChoices):
    UNDERPERFORMANCE = "underperformance", "Underperformance"
    BREACH = "breach", "Breach of contract"
    PRICING = "pricing", "Pricing"
    MISCOMMUNICATION = "miscommunication", "Miscommunication"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    AWAITING_VENDOR = "awaiting_vendor", "Awaiting vendor"
    VENDOR_RESPONDED = "vendor_responded", "Vendor responded"
    UNDER_REVIEW = "under_review", "Under review"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    ESCALATED = "escalated", "Escalated"


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTIALLY_UPHELD = "partially_upheld", "Partially upheld"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Side(models.TextChoices):
    CLIENT = "client", "Client"
    VENDOR = "vendor", "Vendor"


#: Statuses in which the dispute is still being worked on.
UNRESOLVED = (
    Status.OPEN,
    Status.AWAITING_VENDOR,
    Status.VENDOR_RESPONDED,
    Status.UNDER_REVIEW,
    Status.ESCALATED,
)


class DisputeQuerySet(VendorOwnedQuerySet):
    def open(self) -> DisputeQuerySet:
        """Disputes still being worked on (not resolved or closed)."""
        return self.filter(status__in=UNRESOLVED)

    def response_overdue(self, now: datetime) -> DisputeQuerySet:
        return self.open().filter(responded_at__isnull=True, response_due_at__lt=now)

    def resolution_overdue(self, now: datetime) -> DisputeQuerySet:
        # A paused clock is not running, so it cannot become overdue while paused.
        return self.open().filter(clock_paused_at__isnull=True, resolution_due_at__lt=now)

    def overdue(self, now: datetime) -> DisputeQuerySet:
        """Unresolved disputes whose response or resolution is past due at ``now``."""
        return self.open().filter(
            Q(responded_at__isnull=True, response_due_at__lt=now)
            | Q(clock_paused_at__isnull=True, resolution_due_at__lt=now)
        )

    def ageing_buckets(self, now: datetime | None = None) -> dict[str, int]:
        """How many of these disputes were raised ≤7, 8–30, 31–90 and >90 days before
        ``now``: one aggregate query (the vendor page's ageing of open disputes)."""
        now = now or timezone.now()
        week, month, quarter = (now - timedelta(days=n) for n in (7, 30, 90))
        return self.aggregate(
            week=Count("id", filter=Q(created_at__gte=week)),
            month=Count("id", filter=Q(created_at__lt=week, created_at__gte=month)),
            quarter=Count("id", filter=Q(created_at__lt=month, created_at__gte=quarter)),
            older=Count("id", filter=Q(created_at__lt=quarter)),
        )

    def similar_to(self, dispute: Dispute, *, days: int = 180) -> DisputeQuerySet:
        """Same vendor and type, same clause (or KPI), raised in the last ``days``.

        Disputes that name neither a clause nor a KPI are matched on vendor and type
        alone: a pricing argument every month is still the same conversation repeating.
        """
        since = (dispute.created_at or timezone.now()) - timedelta(days=days)
        qs = self.filter(vendor_id=dispute.vendor_id, type=dispute.type, created_at__gte=since)
        key = dispute.similarity_lookup()
        if key:
            qs = qs.filter(**key)
        if dispute.pk:
            qs = qs.exclude(pk=dispute.pk)
        return qs


class Dispute(models.Model):
    """A conflict with a vendor, from first report to closure. Never hard-deleted."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    vendor = models.ForeignKey(
        "vendorhub.Vendor", on_delete=models.PROTECT, related_name="disputes"
    )
    type = models.CharField(max_length=20, choices=DisputeType.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="The facts: what happened, when, and the impact.")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, editable=False
    )
    #: Bumped by every workflow write; a conditional UPDATE on it refuses lost updates.
    version = models.PositiveIntegerField(default=1, editable=False)

    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="raised_disputes",
        editable=False,
    )
    raised_by_side = models.CharField(
        max_length=10, choices=Side.choices, default=Side.CLIENT, editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_disputes",
        limit_choices_to={"role": "manager"},
        verbose_name="client owner",
    )
    vendor_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_disputes",
        limit_choices_to={"role": "partner"},
    )

    contract = models.ForeignKey(
        "contracts.Contract",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    clause = models.ForeignKey(
        "contracts.Clause",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
        help_text="Expected for a breach: the clause that was violated.",
    )

    # Pricing
    disputed_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217, e.g. EUR.")
    # Underperformance
    kpi = models.ForeignKey(
        "scorecards.KPI",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
        verbose_name="KPI",
    )
    kpi_period_start = models.DateField(null=True, blank=True, verbose_name="KPI period from")
    kpi_period_end = models.DateField(null=True, blank=True, verbose_name="KPI period to")

    # The vendor's answer and the outcome
    root_cause = models.TextField(blank=True)
    action_plan = models.TextField(blank=True, verbose_name="corrective action plan")
    resolution_summary = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    service_credit_agreed = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )

    escalation_level = models.PositiveSmallIntegerField(default=0, editable=False)
    is_recurring = models.BooleanField(default=False, editable=False)
    playbook = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Ticked checklist items: key → who/when.",
    )

    # Clocks (see services.py for how they move)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    response_due_at = models.DateTimeField(editable=False)
    responded_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_started_at = models.DateTimeField(editable=False)
    resolution_due_at = models.DateTimeField(editable=False)
    clock_paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: A partner's request to pause the resolution clock, awaiting a manager's decision
    #: (pausing is the client's call: the vendor may only ask).
    pause_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    pause_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    pause_request_note = models.TextField(blank=True, editable=False)
    resolution_paused_seconds = models.PositiveIntegerField(default=0, editable=False)
    #: Sticky: set once a resolution clock of this dispute ended (or was seen) breached.
    resolution_breached = models.BooleanField(default=False, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reopen_count = models.PositiveSmallIntegerField(default=0, editable=False)
    #: 0 critical, 1 high, 2 medium, 3 low: computed by the database from ``severity``
    #: on every write, so "needs attention" lists (most severe first, then the earliest
    #: deadline) read ``dispute_attention`` in order and stop after six rows instead of
    #: sorting every overdue dispute (issue 14: 13,000 sorted on each home page).
    severity_order = models.GeneratedField(
        expression=models.Case(
            models.When(severity="critical", then=models.Value(0)),
            models.When(severity="high", then=models.Value(1)),
            models.When(severity="medium", then=models.Value(2)),
            default=models.Value(3),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    objects = DisputeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "severity_order"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["vendor", "status", "-created_at"], name="dispute_vendor_status"),
            models.Index(fields=["status", "-created_at"], name="dispute_status_created"),
            models.Index(fields=["vendor", "type", "-created_at"], name="dispute_vendor_type"),
            models.Index(
                fields=["response_due_at"],
                name="dispute_response_due",
                condition=Q(responded_at__isnull=True),
            ),
            models.Index(fields=["resolution_due_at"], name="dispute_resolution_due"),
            # The client side's default list: newest first across every vendor.
            models.Index(fields=["-created_at", "-id"], name="dispute_created"),
            # Home's "needs attention": unresolved, most severe first, earliest due.
            models.Index(
                fields=["severity_order", "response_due_at"],
                name="dispute_attention",
                condition=Q(status__in=UNRESOLVED),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="dispute_amount_not_negative",
                condition=Q(disputed_amount__isnull=True) | Q(disputed_amount__gte=0),
                violation_error_message="The disputed amount cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("disputes:detail", kwargs={"reference": self.reference})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        errors: dict[str, str] = {}
        if self.disputed_amount is not None and self.disputed_amount < 0:
            errors["disputed_amount"] = "The disputed amount cannot be negative."
        if self.disputed_amount is not None and not self.currency:
            errors["currency"] = "Give the currency of the disputed amount."
        if self.currency and (len(self.currency) != 3 or not self.currency.isalpha()):
            errors["currency"] = "Use a three-letter ISO 4217 code, e.g. EUR."
        if (
            self.kpi_period_start
            and self.kpi_period_end
            and self.kpi_period_start > self.kpi_period_end
        ):
            errors["kpi_period_end"] = "The period must end after it starts."
        if errors:
            raise ValidationError(errors)
        if self.currency:
            self.currency = self.currency.upper()

    # --- Recurrence -------------------------------------------------------------------
    def similarity_lookup(self) -> dict[str, object]:
        """The field that makes two disputes 'the same conversation' (clause, else KPI)."""
        if getattr(self, "clause_id", None):
            return {"clause_id": self.clause_id}
        if getattr(self, "kpi_id", None):
            return {"kpi_id": self.kpi_id}
        return {}

    # --- Clocks -----------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in UNRESOLVED

    def effective_resolution_due(self, now: datetime) -> datetime:
        """Due time including the current pause: a paused clock pushes the deadline."""
        if self.clock_paused_at is not None:
            return self.resolution_due_at + max(now - self.clock_paused_at, timedelta(0))
        return self.resolution_due_at

    def response_clock(self, now: datetime | None = None) -> Clock:
        now = now or timezone.now()
        if self.raised_by_side == Side.VENDOR:
            # The vendor raised it itself: there is no vendor response to wait for.
            return Clock("response", ClockState.NOT_APPLICABLE, None)
        if self.responded_at is not None:
            state = (
                ClockState.MET if self.responded_at <= self.response_due_at else ClockState.BREACHED
            )
            return Clock("response", state, self.response_due_at, self.responded_at)
        if not self.is_open:
            # Resolved without a vendor reply: judged at the moment it stopped.
            stop = self.resolved_at or self.closed_at or now
            state = ClockState.BREACHED if stop > self.response_due_at else ClockState.MET
            return Clock("response", state, self.response_due_at, stop)
        state = ClockState.BREACHED if now > self.response_due_at else ClockState.ONGOING
        return Clock("response", state, self.response_due_at)

    def resolution_clock(self, now: datetime | None = None) -> Clock:
        now = now or timezone.now()
        if not self.is_open:
            stop = self.resolved_at or self.closed_at or now
            breached = self.resolution_breached or stop > self.resolution_due_at
            state = ClockState.BREACHED if breached else ClockState.MET
            return Clock("resolution", state, self.resolution_due_at, stop)
        due = self.effective_resolution_due(now)
        if self.resolution_breached or now > due:
            return Clock("resolution", ClockState.BREACHED, due)
        if self.clock_paused_at is not None:
            return Clock("resolution", ClockState.PAUSED, due)
        return Clock("resolution", ClockState.ONGOING, due)

    def is_overdue(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if not self.is_open:
            return False
        response_late = self.responded_at is None and self.response_due_at < now
        resolution_late = self.clock_paused_at is None and self.resolution_due_at < now
        if self.raised_by_side == Side.VENDOR:
            response_late = False
        return response_late or resolution_late

    def age(self, now: datetime | None = None) -> timedelta:
        return (now or timezone.now()) - self.created_at


class DisputeSequence(models.Model):
    """One row per year: the last reference number handed out (``DSP-<year>-<seq>``)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class EventKind(models.TextChoices):
    CREATED = "created", "Raised"
    COMMENT = "comment", "Comment"
    RESPONSE = "response", "Vendor response"
    ATTACHMENT = "attachment", "Evidence"
    STATUS = "status", "Status change"
    ESCALATION = "escalation", "Escalation"
    REMINDER = "reminder", "Reminder sent"
    CLOCK = "clock", "Clock"
    ASSIGNMENT = "assignment", "Assignment"
    PLAYBOOK = "playbook", "Playbook"
    UPDATE = "update", "Details changed"


class DisputeEventQuerySet(VendorOwnedQuerySet):
    def visible_to(self, user: User) -> DisputeEventQuerySet:
        """Partners see their vendor's shared events only; internal ones never leave the
        client side."""
        qs = super().visible_to(user)
        if getattr(user, "is_authenticated", False) and user.is_partner:
            qs = qs.filter(internal=False)
        return qs


def attachment_path(instance: DisputeEvent, filename: str) -> str:
    # Files are served only through the access-checked view, never from MEDIA_URL.
    return f"disputes/{instance.vendor_id}/{instance.dispute_id}/{filename}"


class DisputeEvent(models.Model):
    """One entry of a dispute's timeline. Append-only: events are never edited."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="events")
    vendor = models.ForeignKey("vendorhub.Vendor", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_side = models.CharField(max_length=10, choices=Side.choices, blank=True)
    internal = models.BooleanField(
        default=False, help_text="Internal to the client side: never shown to the vendor."
    )
    body = models.TextField(blank=True)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    attachment = models.FileField(upload_to=attachment_path, blank=True, max_length=300)
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_size = models.PositiveIntegerField(null=True, blank=True)
    attachment_content_type = models.CharField(
        max_length=100,
        blank=True,
        help_text="Detected from the content at upload; the file is always served with it.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = DisputeEventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["dispute", "created_at"], name="disputeevent_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.dispute_id}"

    def save(self, *args, **kwargs) -> None:
        # The timeline is evidence: an event, once written, is never rewritten.
        if not self._state.adding:
            raise ValueError("Dispute events are append-only.")
        super().save(*args, **kwargs)
