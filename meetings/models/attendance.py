"""Attendance: one row per invitee of a meeting, on either side."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from vendorhub.models import VendorOwnedQuerySet

from .choices import (
    AttendanceStatus,
    Side,
)
from .meeting import Meeting


# --- Attendance ---------------------------------------------------------------------
class AttendanceQuerySet(VendorOwnedQuerySet):
    pass


class Attendance(models.Model):
    """One invitee of one meeting: a user, or a named person without a log-in."""

    vendor = models.ForeignKey("vendorhub.Vendor", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_attendances",
    )
    name = models.CharField(max_length=120, blank=True, help_text="For people without a log-in.")
    role = models.CharField(
        max_length=120, blank=True, help_text="e.g. Account director (checked for quorum)."
    )
    side = models.CharField(max_length=8, choices=Side.choices)
    status = models.CharField(
        max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["side", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                name="attendance_unique_user",
                condition=Q(user__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["meeting", "name"],
                name="attendance_unique_name",
                condition=Q(user__isnull=True),
            ),
            models.CheckConstraint(
                name="attendance_user_or_name",
                condition=Q(user__isnull=False) | ~Q(name=""),
            ),
        ]
        indexes = [models.Index(fields=["vendor", "side", "status"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id:
            return str(self.user)
        return self.name

    def clean(self) -> None:
        super().clean()
        if not self.user_id and not self.name.strip():
            raise ValidationError({"name": "Name a person or pick a user."})
        if self.user_id and self.side and self.user.side != self.side:
            raise ValidationError({"side": f"{self.user} is on the {self.user.side} side."})
        if (
            self.user_id
            and self.user.is_partner
            and self.meeting_id
            and self.user.vendor_id != self.meeting.vendor_id
        ):
            raise ValidationError({"user": "This person works for another vendor."})
