"""The vendor (the tenant every other record belongs to), its sites and contacts, and
the queryset every vendor-owned model scopes with."""

from __future__ import annotations

import zoneinfo
from datetime import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .users import User
from .timezones import timezone_choices, validate_timezone
from .users import Role


class VendorStatus(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    ACTIVE = "active", "Active"
    PROBATION = "probation", "Probation"
    EXITING = "exiting", "Exiting"
    INACTIVE = "inactive", "Inactive"


class Service(models.TextChoices):
    VOICE = "voice", "Voice"
    EMAIL = "email", "E-mail"
    CHAT = "chat", "Chat"
    BACK_OFFICE = "back_office", "Back office"


WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def validate_services(value: Iterable[str]) -> None:
    allowed = set(Service.values)
    if not isinstance(value, list) or any(item not in allowed for item in value):
        raise ValidationError(f"Services must be a list of: {', '.join(Service.values)}.")


def validate_working_days(value: str) -> None:
    if not value or any(ch not in "1234567" for ch in value) or len(set(value)) != len(value):
        raise ValidationError("Working days are ISO weekday digits, e.g. 12345 for Mon–Fri.")


class VendorQuerySet(models.QuerySet["Vendor"]):
    def visible_to(self, user: User) -> VendorQuerySet:
        """The vendors ``user`` may see: all for the client side, their own for partners."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_partner:
            return self.filter(pk=user.vendor_id)
        return self.all()

    def active(self) -> VendorQuerySet:
        return self.exclude(status=VendorStatus.INACTIVE)

    def offering(self, service: str) -> VendorQuerySet:
        """Vendors that deliver ``service`` (JSON containment; SQLite has no such operator)."""
        if connection.vendor == "postgresql":
            return self.filter(services__contains=[service])
        # Codes are plain words, so the quoted code matches exactly one list element.
        return self.filter(services__icontains=f'"{service}"')


class Vendor(models.Model):
    """An outsourced contact centre: the tenant every other record belongs to."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Public identifier, used in URLs and the API."
    )
    country = CountryField()
    timezone = models.CharField(
        max_length=64,
        validators=[validate_timezone],
        choices=timezone_choices,
        help_text="IANA time zone of the vendor's main site.",
    )
    working_hours_start = models.TimeField(default=time(9, 0))
    working_hours_end = models.TimeField(default=time(18, 0))
    working_days = models.CharField(
        max_length=7,
        default="12345",
        validators=[validate_working_days],
        help_text="ISO weekdays the vendor's management works, e.g. 12345 for Mon–Fri.",
    )
    status = models.CharField(
        max_length=16, choices=VendorStatus.choices, default=VendorStatus.ONBOARDING
    )
    services = models.JSONField(default=list, blank=True, validators=[validate_services])
    relationship_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_vendors",
        limit_choices_to={"role": Role.MANAGER},
        help_text="The vendor manager accountable for this relationship.",
    )
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True, help_text="Internal to the client side.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VendorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"])]
        constraints = [
            models.CheckConstraint(
                name="vendor_working_hours_order",
                condition=Q(working_hours_start__lt=models.F("working_hours_end")),
                violation_error_message="Working hours must end after they start.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("vendor_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if (
            self.working_hours_start
            and self.working_hours_end
            and self.working_hours_start >= self.working_hours_end
        ):
            raise ValidationError({"working_hours_end": "Working hours must end after they start."})

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def get_services_display(self) -> list[str]:
        labels = dict(Service.choices)
        return [labels.get(code, code) for code in self.services]

    def get_working_days_display(self) -> str:
        days = sorted(int(d) for d in self.working_days)
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            return f"{WEEKDAY_NAMES[days[0] - 1]}–{WEEKDAY_NAMES[days[-1] - 1]}"
        return ", ".join(WEEKDAY_NAMES[d - 1] for d in days)

    def local_now(self, now=None):
        return (now or timezone.now()).astimezone(self.tzinfo)

    def is_working_time(self, moment) -> bool:
        """True when ``moment`` falls inside the vendor's working hours, in its own zone."""
        local = moment.astimezone(self.tzinfo)
        return (
            str(local.isoweekday()) in self.working_days
            and self.working_hours_start <= local.time() < self.working_hours_end
        )


class VendorOwnedQuerySet(models.QuerySet):
    """Base for every vendor-owned model: one filter on the direct ``vendor`` key."""

    def visible_to(self, user: User):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_partner:
            return self.filter(vendor_id=user.vendor_id)
        return self.all()


class VendorSite(models.Model):
    """A delivery site of the vendor (where the agents sit)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=120)
    city = models.CharField(max_length=120, blank=True)
    country = CountryField()
    timezone = models.CharField(
        max_length=64, validators=[validate_timezone], choices=timezone_choices
    )
    seats = models.PositiveIntegerField(null=True, blank=True)

    objects = VendorOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "name"], name="vendorsite_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})" if self.city else self.name


class VendorContact(models.Model):
    """A person at the vendor (with or without a log-in): who to call about what."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120, help_text="e.g. Account director, Ops lead")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_primary = models.BooleanField(default=False)

    objects = VendorOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"
