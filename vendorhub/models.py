"""Core models: the user with a role, the vendor (the tenant), notifications.

Every vendor-owned row in every app carries a direct ``vendor`` foreign key and a
queryset with ``visible_to(user)``: scoping is always one filter (see ``access.py``).
"""

from __future__ import annotations

import zoneinfo
from datetime import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from collections.abc import Iterable


def validate_timezone(value: str) -> None:
    """Only IANA names: times are converted with zoneinfo everywhere."""
    if value not in available_timezones():
        raise ValidationError(f"“{value}” is not an IANA time zone (e.g. Europe/Berlin).")


_TIMEZONES: frozenset[str] | None = None


def available_timezones() -> frozenset[str]:
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = frozenset(zoneinfo.available_timezones())
    return _TIMEZONES


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_timezones())]


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


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: User) -> NotificationQuerySet:
        """A notification is its recipient's alone, whatever the role."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one user, with a link to what it is about."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=64)
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def mark_read(self, now=None) -> None:
        if self.read_at is None:
            self.read_at = now or timezone.now()
            self.save(update_fields=["read_at"])


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
    CLAIMED = "claimed", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    DROPPED = "dropped", "Dropped (no longer relevant)"


class EmailOutboxQuerySet(models.QuerySet["EmailOutbox"]):
    def due(self, now) -> EmailOutboxQuerySet:
        return self.filter(status=OutboxStatus.PENDING, send_after__lte=now)

    def stale_claims(self, now, older_than) -> EmailOutboxQuerySet:
        return self.filter(status=OutboxStatus.CLAIMED, claimed_at__lt=now - older_than)


class EmailOutbox(models.Model):
    """An e-mail waiting to be sent, written in the transaction that decided to send it.

    A separate task claims rows with ``SELECT … FOR UPDATE SKIP LOCKED``, sends them and
    marks them sent; a claim left behind by a killed worker is put back after a while.
    """

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
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = EmailOutboxQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "send_after"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email} ({self.status})"


class SweepRun(models.Model):
    """When the reminder sweeps last ran and what they did (shown on /healthz)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    now = models.DateTimeField(help_text="The instant the sweeps were run for.")
    trigger = models.CharField(max_length=16, default="beat")  # beat | command
    counts = models.JSONField(default=dict)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trigger} sweep at {self.started_at:%Y-%m-%d %H:%M}"
