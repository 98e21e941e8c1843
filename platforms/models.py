"""Where a vendor's KPI data can be pulled from: one ``PlatformConnection`` per source.

A connection says which platform (Genesys Cloud or Amazon Connect), where (region,
instance, an optional base URL for a proxy or a test double), which queues, and in
which time zone the day buckets are cut (a "day" of a Manila vendor is a Manila day).

Credentials are never stored here: ``credentials_ref`` names where they are, either a
key of ``settings.PLATFORM_CREDENTIALS`` or an environment-variable prefix (see
``connectors.connection_credentials``). The database, its backups and its history
tables then hold nothing an attacker could use against the vendor's platform.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from vendorhub.models import Vendor, VendorOwnedQuerySet, timezone_choices, validate_timezone


class Platform(models.TextChoices):
    GENESYS_CLOUD = "genesys_cloud", "Genesys Cloud"
    AMAZON_CONNECT = "amazon_connect", "Amazon Connect"


class Granularity(models.TextChoices):
    DAY = "day", "Daily"
    HOUR = "hour", "Hourly"


CREDENTIALS_REF = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
# Genesys Cloud regions are host suffixes (mypurecloud.com, euw2.pure.cloud …).
GENESYS_REGION = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
AWS_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
CONNECT_INSTANCE_ARN = re.compile(
    r"^arn:aws[a-z-]*:connect:(?P<region>[a-z0-9-]+):\d{12}:instance/[0-9a-f-]{36}$"
)
MAX_QUEUES = 100  # both platforms take at most 100 filter values in one query


def validate_queue_ids(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Give the platform's queue ids as a non-empty list.")
    if len(value) > MAX_QUEUES:
        raise ValidationError(f"At most {MAX_QUEUES} queues per connection.")
    if any(not isinstance(item, str) or not item.strip() or len(item) > 250 for item in value):
        raise ValidationError("Every queue id is a non-empty string of at most 250 characters.")
    if len(set(value)) != len(value):
        raise ValidationError("A queue id is listed twice.")


def validate_credentials_ref(value: str) -> None:
    if not CREDENTIALS_REF.match(value):
        raise ValidationError(
            "A name such as GENESYS_ACME (upper case, digits, underscores), never a secret."
        )


class PlatformConnectionQuerySet(VendorOwnedQuerySet):
    def enabled(self) -> PlatformConnectionQuerySet:
        return self.filter(enabled=True)


class PlatformConnection(models.Model):
    """A vendor's queues on a contact-centre platform, pulled on a schedule."""

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="platform_connections"
    )
    name = models.CharField(max_length=120, help_text="e.g. “Genesys EU voice queues”.")
    platform = models.CharField(max_length=32, choices=Platform.choices)
    region = models.CharField(
        max_length=64,
        help_text="Genesys Cloud: the region's domain, e.g. mypurecloud.ie. "
        "Amazon Connect: the AWS region, e.g. eu-west-2.",
    )
    instance_arn = models.CharField(
        max_length=200,
        blank=True,
        help_text="Amazon Connect: the instance ARN. Empty for Genesys Cloud.",
    )
    base_url = models.URLField(
        blank=True,
        help_text="Only for a proxy or a test double: replaces the platform's own API "
        "(and, for Genesys Cloud, login) address.",
    )
    queue_ids = models.JSONField(
        default=list, validators=[validate_queue_ids], help_text="The platform's queue ids."
    )
    credentials_ref = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_credentials_ref],
        help_text="Where the credentials are (never the credentials): a key of "
        "settings.PLATFORM_CREDENTIALS or an environment-variable prefix, e.g. GENESYS_ACME "
        "for GENESYS_ACME_CLIENT_ID and GENESYS_ACME_CLIENT_SECRET. Amazon Connect may "
        "leave it empty to use the server's own AWS role.",
    )
    timezone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        choices=timezone_choices,
        help_text="Time zone of the day buckets; empty means the vendor's.",
    )
    granularity = models.CharField(
        max_length=8, choices=Granularity.choices, default=Granularity.DAY
    )
    answer_threshold_seconds = models.PositiveIntegerField(
        default=20,
        help_text="Amazon Connect: the X of “answered in X seconds” to request; keep it "
        "equal to the contract's service-level threshold.",
    )
    short_abandon_seconds = models.PositiveIntegerField(
        default=5, help_text="Amazon Connect: abandons within this many seconds are short."
    )
    enabled = models.BooleanField(default=True)
    pulled_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Data up to this instant is stored in VendorHub; the next pull starts here.",
    )
    # Status of the last attempt: written with update(), outside the history.
    last_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlatformConnectionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["last_attempt_at", "last_error", "updated_at"])

    class Meta:
        ordering = ["vendor__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "name"], name="platformconnection_name"),
            models.CheckConstraint(
                name="platformconnection_platform",
                condition=Q(platform__in=Platform.values),
                violation_error_message="Unknown platform.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.platform == Platform.GENESYS_CLOUD:
            if not GENESYS_REGION.match(self.region or ""):
                errors["region"] = "A Genesys Cloud region domain, e.g. mypurecloud.ie."
            if self.instance_arn:
                errors["instance_arn"] = "Genesys Cloud has no instance ARN; leave it empty."
            if not self.credentials_ref:
                errors["credentials_ref"] = "Genesys Cloud needs an OAuth client's credentials."
        elif self.platform == Platform.AMAZON_CONNECT:
            if not AWS_REGION.match(self.region or ""):
                errors["region"] = "An AWS region, e.g. eu-west-2."
            match = CONNECT_INSTANCE_ARN.match(self.instance_arn or "")
            if not match:
                errors["instance_arn"] = (
                    "The instance ARN, e.g. arn:aws:connect:eu-west-2:123456789012:instance/<id>."
                )
            elif match["region"] != self.region:
                errors["instance_arn"] = "The instance ARN names another region."
        if errors:
            raise ValidationError(errors)

    @property
    def tz_name(self) -> str:
        return self.timezone or self.vendor.timezone

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        """The zone of the day buckets: the connection's own, else the vendor's."""
        return zoneinfo.ZoneInfo(self.tz_name)

    def pull_window(self, now: datetime) -> tuple[datetime, datetime] | None:
        """The complete local days not yet stored: from ``pulled_until`` (or, for a
        connection never pulled, ``PLATFORM_PULL_BACKFILL_DAYS`` back) to the last local
        midnight, or ``None`` when nothing is due.

        Only whole days are pulled, so a day's figures are final when stored; today is
        left for tomorrow's pull. Until the import service advances ``pulled_until``,
        each pull re-reads the backfill horizon, which the upserting import absorbs.
        """
        tz = self.tzinfo
        end = datetime.combine(now.astimezone(tz).date(), time(0), tzinfo=tz)
        if self.pulled_until is not None:
            start = self.pulled_until
        else:
            backfill = getattr(settings, "PLATFORM_PULL_BACKFILL_DAYS", 7)
            start = datetime.combine(end.date() - timedelta(days=backfill), time(0), tzinfo=tz)
        return (start, end) if start < end else None
