"""Corrective action plans (SPEC section 6): what will change, by when, and how the
KPI proves it did.

A plan belongs to one vendor (direct ``vendor`` key, like every vendor-owned row) and
may point at what it answers: a dispute, a failing KPI, a meeting's action item. Its
milestones are the steps on either side; its timeline (``PlanEvent``) is append-only
and carries the evidence. The rules that move a plan live in ``services.py``; the
re-measurement on the due date in ``measurement.py``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from vendorhub.models import VendorOwnedQuerySet

if TYPE_CHECKING:
    from vendorhub.models import User


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    IN_PROGRESS = "in_progress", "In progress"
    VERIFIED = "verified", "Verified"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


#: Plans still being worked on (counted as "open" on the vendor page and dashboard).
OPEN_STATUSES = (PlanStatus.PROPOSED, PlanStatus.AGREED, PlanStatus.IN_PROGRESS)
#: Plans whose work is under way: the ones re-measured on their due date.
RUNNING_STATUSES = (PlanStatus.AGREED, PlanStatus.IN_PROGRESS)


class Side(models.TextChoices):
    CLIENT = "client", "Client"
    VENDOR = "vendor", "Vendor"


class Source(models.TextChoices):
    STANDALONE = "standalone", "On its own"
    DISPUTE = "dispute", "A dispute"
    SCORECARD = "scorecard", "A failing scorecard line"
    MEETING = "meeting", "A meeting's action"


class Measurement(models.TextChoices):
    """The result of the last re-measurement of the plan's KPI."""

    NONE = "", "Not measured yet"
    MET = "met", "Target met"
    MISSED = "missed", "Target missed"
    NO_DATA = "no_data", "No data"


class ActionPlanQuerySet(VendorOwnedQuerySet):
    def open(self) -> ActionPlanQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date | None = None) -> ActionPlanQuerySet:
        """Open plans past their due date (or past the end of their cure period)."""
        today = today or timezone.localdate()
        return self.open().filter(
            Q(cure_until__isnull=True, due_date__lt=today) | Q(cure_until__lt=today)
        )

    def counts(self, today: date | None = None) -> dict[str, int]:
        """``{open, overdue, failed}`` in one aggregate query (vendor page, dashboard)."""
        today = today or timezone.localdate()
        late = Q(cure_until__isnull=True, due_date__lt=today) | Q(cure_until__lt=today)
        return self.aggregate(
            open=models.Count("id", filter=Q(status__in=OPEN_STATUSES)),
            overdue=models.Count("id", filter=Q(status__in=OPEN_STATUSES) & late),
            failed=models.Count("id", filter=Q(status=PlanStatus.FAILED)),
        )


def plan_counts_by_vendor(vendor_ids: list[int], today: date | None = None) -> dict[int, dict]:
    """``{vendor_id: {open, overdue, failed}}`` for every vendor given, in one grouped
    query (the executive dashboard)."""
    today = today or timezone.localdate()
    late = Q(cure_until__isnull=True, due_date__lt=today) | Q(cure_until__lt=today)
    rows = (
        ActionPlan.objects.filter(vendor_id__in=vendor_ids)
        .values("vendor_id")
        .annotate(
            open=models.Count("id", filter=Q(status__in=OPEN_STATUSES)),
            overdue=models.Count("id", filter=Q(status__in=OPEN_STATUSES) & late),
            failed=models.Count("id", filter=Q(status=PlanStatus.FAILED)),
        )
    )
    counts = {vendor_id: {"open": 0, "overdue": 0, "failed": 0} for vendor_id in vendor_ids}
    for row in rows:
        counts[row.pop("vendor_id")] = row
    return counts


class ActionPlan(models.Model):
    """A corrective action plan: proposed by either side, agreed by a manager, then
    verified or failed against the KPI's re-measurement. Never deleted."""

    vendor = models.ForeignKey(
        "vendorhub.Vendor", on_delete=models.PROTECT, related_name="action_plans"
    )
    title = models.CharField(max_length=200)
    dispute = models.ForeignKey(
        "disputes.Dispute",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_plans",
        help_text="The dispute this plan answers, if any.",
    )
    kpi = models.ForeignKey(
        "scorecards.KPI",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_plans",
        verbose_name="KPI",
        help_text="The KPI re-measured on the due date, if any.",
    )
    clause = models.ForeignKey(
        "contracts.Clause",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_plans",
        help_text="The contract clause at stake (cited by a breach dispute if the plan fails).",
    )
    action_item = models.ForeignKey(
        "meetings.ActionItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_plans",
        help_text="The meeting action this plan came from, if any.",
    )
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.STANDALONE)
    root_cause = models.TextField(blank=True)
    description = models.TextField(blank=True, help_text="What will change, and how.")
    target_value = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="The KPI value the plan must reach (in the KPI's unit).",
    )
    measure_from = models.DateField(
        null=True,
        blank=True,
        help_text="First day of the re-measurement window (default: the day it is agreed).",
    )
    due_date = models.DateField()
    cure_period_days = models.PositiveSmallIntegerField(
        default=0,
        help_text="Days after a missed due date before the plan fails (0: fails at once).",
    )
    cure_until = models.DateField(null=True, blank=True, editable=False)
    status = models.CharField(
        max_length=12, choices=PlanStatus.choices, default=PlanStatus.PROPOSED, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    proposed_by_side = models.CharField(
        max_length=8, choices=Side.choices, default=Side.CLIENT, editable=False
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    agreed_at = models.DateTimeField(null=True, blank=True, editable=False)
    measured_value = models.FloatField(null=True, blank=True, editable=False)
    measured_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: The final date (due date, or end of cure) the last re-measurement answered for.
    measured_for = models.DateField(null=True, blank=True, editable=False)
    measurement = models.CharField(
        max_length=8, choices=Measurement.choices, blank=True, default="", editable=False
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_dispute = models.ForeignKey(
        "disputes.Dispute",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The dispute escalated, or the breach dispute opened, when the plan failed.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionPlanQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["vendor", "status", "due_date"], name="actionplan_vendor_status"),
            models.Index(fields=["status", "due_date"], name="actionplan_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                name="actionplan_due_after_measure_from",
                condition=Q(measure_from__isnull=True) | Q(measure_from__lte=models.F("due_date")),
                violation_error_message="The due date cannot be before the measurement starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"AP-{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("actionplans:detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"AP-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def final_date(self) -> date:
        """The date the plan answers for: its due date, or the end of its cure period."""
        return self.cure_until or self.due_date

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.final_date < (today or timezone.localdate())

    @property
    def awaiting_verification(self) -> bool:
        """Re-measured and on target: a manager should now verify it."""
        return self.status in RUNNING_STATUSES and self.measurement == Measurement.MET

    def measurement_window(self) -> tuple[date, date]:
        """The days re-measured: from ``measure_from`` (default the agreement day, else
        the creation day) to the due date; during a cure period, the cure days only."""
        if self.cure_until is not None:
            return self.due_date + timedelta(days=1), self.cure_until
        start = self.measure_from
        if start is None:
            start = timezone.localdate(self.agreed_at or self.created_at)
        return min(start, self.due_date), self.due_date

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.target_value is not None and not self.kpi_id:
            errors["kpi"] = "Name the KPI the target value is measured on."
        if self.kpi_id and self.target_value is None:
            errors["target_value"] = "Give the KPI value the plan must reach."
        if self.measure_from and self.due_date and self.measure_from > self.due_date:
            errors["due_date"] = "The due date cannot be before the measurement starts."
        vendor_id = self.vendor_id
        if self.dispute_id and vendor_id and self.dispute.vendor_id != vendor_id:
            errors["dispute"] = "This dispute is about another vendor."
        if self.clause_id and vendor_id and self.clause.vendor_id != vendor_id:
            errors["clause"] = "This clause belongs to another vendor's contract."
        if self.action_item_id and vendor_id and self.action_item.vendor_id != vendor_id:
            errors["action_item"] = "This action item is about another vendor."
        if errors:
            raise ValidationError(errors)


class MilestoneQuerySet(VendorOwnedQuerySet):
    def pending(self) -> MilestoneQuerySet:
        return self.filter(done=False, plan__status__in=OPEN_STATUSES)

    def overdue(self, today: date | None = None) -> MilestoneQuerySet:
        return self.pending().filter(due_date__lt=today or timezone.localdate())


class Milestone(models.Model):
    """One step of a plan, owned by the client or the vendor side."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="milestones")
    vendor = models.ForeignKey("vendorhub.Vendor", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    owner_side = models.CharField(max_length=8, choices=Side.choices, default=Side.VENDOR)
    due_date = models.DateField()
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True, editable=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["done", "due_date"], name="milestone_done_due")]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date | None = None) -> bool:
        return not self.done and self.due_date < (today or timezone.localdate())

    def may_be_ticked_by(self, user: User) -> bool:
        """Managers tick every milestone; a partner of the plan's vendor its side's."""
        from vendorhub.access import can_manage, speaks_for_vendor

        if can_manage(user):
            return True
        return self.owner_side == Side.VENDOR and speaks_for_vendor(user, self.vendor_id)


class EventKind(models.TextChoices):
    CREATED = "created", "Proposed"
    STATUS = "status", "Status change"
    COMMENT = "comment", "Comment"
    EVIDENCE = "evidence", "Evidence"
    MILESTONE = "milestone", "Milestone"
    MEASUREMENT = "measurement", "Re-measurement"
    UPDATE = "update", "Details changed"
    ESCALATION = "escalation", "Escalation"
    REMINDER = "reminder", "Reminder sent"


def evidence_path(instance: PlanEvent, filename: str) -> str:
    # Served only through the access-checked view, never from MEDIA_URL.
    return f"actionplans/{instance.vendor_id}/{instance.plan_id}/{filename}"


class PlanEvent(models.Model):
    """One entry of a plan's timeline. Append-only: the timeline is the record."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="events")
    vendor = models.ForeignKey("vendorhub.Vendor", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_side = models.CharField(max_length=8, choices=Side.choices, blank=True)
    body = models.TextField(blank=True)
    from_status = models.CharField(max_length=12, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=PlanStatus.choices, blank=True)
    attachment = models.FileField(upload_to=evidence_path, blank=True, max_length=300)
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_size = models.PositiveIntegerField(null=True, blank=True)
    attachment_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = VendorOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["plan", "created_at"], name="planevent_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on AP-{self.plan_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Plan events are append-only.")
        super().save(*args, **kwargs)
