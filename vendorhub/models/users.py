"""The user: a role, the vendor (partners only), a time zone, notification delivery."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    pass
from .timezones import timezone_choices, validate_timezone


class Role(models.TextChoices):
    MANAGER = "manager", "Vendor manager"
    EXECUTIVE = "executive", "Executive"
    PARTNER = "partner", "Partner (vendor staff)"


class NotificationDelivery(models.TextChoices):
    IMMEDIATE = "immediate", "E-mail each one immediately"
    DIGEST = "digest", "One daily digest e-mail"
    IN_APP = "in_app", "In the app only (no e-mail)"


class VendorHubUserManager(UserManager["User"]):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # An administrator acts as a manager everywhere in the product.
        extra_fields.setdefault("role", Role.MANAGER)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. Partners belong to exactly one vendor; nobody else does."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EXECUTIVE)
    vendor = models.ForeignKey(
        "vendorhub.Vendor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_users",
        help_text="Required for partners (the vendor they work for); empty for everyone else.",
    )
    timezone = models.CharField(
        max_length=64, default="UTC", validators=[validate_timezone], choices=timezone_choices
    )
    job_title = models.CharField(max_length=120, blank=True)
    notification_delivery = models.CharField(
        max_length=16,
        choices=NotificationDelivery.choices,
        default=NotificationDelivery.IMMEDIATE,
        help_text="E-mail each notification as it happens, or once a day in a digest.",
    )

    objects = VendorHubUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_partner_has_vendor",
                condition=(Q(role="partner", vendor__isnull=False) | ~Q(role="partner"))
                & (Q(role="partner") | Q(vendor__isnull=True)),
                violation_error_message="Partners need a vendor; other roles must not have one.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.role == Role.PARTNER and self.vendor_id is None:
            raise ValidationError({"vendor": "A partner must belong to a vendor."})
        if self.role != Role.PARTNER and self.vendor_id is not None:
            raise ValidationError({"vendor": "Only partners belong to a vendor."})

    @property
    def is_manager(self) -> bool:
        return self.is_superuser or self.role == Role.MANAGER

    @property
    def is_executive(self) -> bool:
        return self.role == Role.EXECUTIVE and not self.is_superuser

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER and not self.is_superuser

    @property
    def side(self) -> str:
        """Which side of the relationship the user speaks for: ``client`` or ``vendor``."""
        return "vendor" if self.is_partner else "client"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)
