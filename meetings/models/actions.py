"""Action items agreed at meetings, and agenda points."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from vendorhub.models import VendorOwnedQuerySet

from .choices import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    AgendaSource,
    Side,
)
from .meeting import Meeting


# --- Action items ---------------------------------------------------------------------
class ActionItemQuerySet(VendorOwnedQuerySet):
    def open(self) -> ActionItemQuerySet:
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today=None) -> ActionItemQuerySet:
        """Open items past their due date: the reminders sweep and agenda use this."""
        return self.open().filter(due_date__lt=today or timezone.localdate())


class ActionItem(models.Model):
    """Something a meeting agreed someone would do, by a date."""

    vendor = models.ForeignKey("vendorhub.Vendor", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_action_items",
    )
    owner_name = models.CharField(max_length=120, blank=True, help_text="If not a user.")
    side = models.CharField(max_length=8, choices=Side.choices)
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default="open")
    notes = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["vendor", "status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_display(self) -> str:
        return str(self.owner) if self.owner_id else (self.owner_name or "—")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())

    def clean(self) -> None:
        super().clean()
        if self.owner_id and self.side and self.owner.side != self.side:
            raise ValidationError({"side": f"{self.owner} is on the {self.owner.side} side."})
        if (
            self.owner_id
            and self.owner.is_partner
            and self.vendor_id
            and self.owner.vendor_id != self.vendor_id
        ):
            raise ValidationError({"owner": "This person works for another vendor."})


# --- Agenda ---------------------------------------------------------------------------
class AgendaItem(models.Model):
    """One point on a meeting's agenda, in order; may point at what it is about."""

    vendor = models.ForeignKey("vendorhub.Vendor", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    source = models.CharField(
        max_length=16, choices=AgendaSource.choices, default=AgendaSource.MANUAL
    )
    action_item = models.ForeignKey(
        ActionItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispute = models.ForeignKey(
        "disputes.Dispute",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
        help_text="The dispute this point is about, if any.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VendorOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title
