"""KPI scorecards: KPI definitions, targets, measurements and published scorecards.

The maths lives in ``scoring.py`` (aggregate queries, computed in the database); this
module holds the rows and the rules about a single row. Every vendor-owned model has a
direct ``vendor`` key and a ``VendorOwnedQuerySet`` so scoping is one filter.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from vendorhub.models import Vendor, VendorOwnedQuerySet


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Aggregation(models.TextChoices):
    # A ratio KPI is rebuilt from its counts: sum(numerator) / sum(denominator).
    RATIO = "ratio", "Ratio of counts"
    WEIGHTED_MEAN = "weighted_mean", "Volume-weighted average"
    MEAN = "mean", "Average"
    SUM = "sum", "Sum"


class Unit(models.TextChoices):
    PERCENT = "percent", "%"
    SECONDS = "seconds", "seconds"
    MINUTES = "minutes", "minutes"
    HOURS = "hours", "hours"
    SCORE = "score", "points"
    COUNT = "count", "count"


class Granularity(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"


class Source(models.TextChoices):
    MANUAL = "manual", "Manual entry"
    IMPORT = "import", "CSV import"
    API = "api", "API"


class SuppliedBy(models.TextChoices):
    VENDOR = "vendor", "Vendor-reported"
    CLIENT = "client", "Client-measured"


class PeriodKind(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"


class KPIQuerySet(models.QuerySet["KPI"]):
    def visible_to(self, user) -> KPIQuerySet:
        """KPI definitions are global: every signed-in, active user may read them."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all()

    def active(self) -> KPIQuerySet:
        return self.filter(is_active=True)


class KPI(models.Model):
    """What is measured and how a period's value is built from finer values.

    ``code`` is public (the API, CSV imports and disputes refer to KPIs by it).
    """

    code = models.SlugField(
        max_length=64, unique=True, validators=[RegexValidator(r"^[a-z0-9_]+$")]
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=16, choices=Unit.choices, default=Unit.PERCENT)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    aggregation = models.CharField(
        max_length=16, choices=Aggregation.choices, default=Aggregation.WEIGHTED_MEAN
    )
    volume_label = models.CharField(
        max_length=80,
        blank=True,
        help_text="What the volume counts (e.g. contacts offered); for ratios, the denominator.",
    )
    numerator_label = models.CharField(max_length=80, blank=True)
    is_library = models.BooleanField(default=False, editable=False)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    objects = KPIQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "KPI"

    def __str__(self) -> str:
        return self.name

    @property
    def is_ratio(self) -> bool:
        return self.aggregation == Aggregation.RATIO

    @property
    def scale(self) -> float:
        """Ratios in percent are stored as 0–100, so the count ratio is multiplied by 100."""
        return 100.0 if self.unit == Unit.PERCENT else 1.0

    @property
    def unit_symbol(self) -> str:
        return {"percent": "%", "seconds": "s", "minutes": "min", "hours": "h"}.get(self.unit, "")

    def is_better(self, a: float, b: float) -> bool:
        """True when ``a`` is at least as good as ``b`` for this KPI's direction."""
        return a >= b if self.direction == Direction.HIGHER else a <= b


# --- Periods ----------------------------------------------------------------------


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_bounds(kind: str, start: date) -> tuple[date, date]:
    """First and last day (inclusive) of the month or quarter that starts at ``start``."""
    if kind == PeriodKind.QUARTER:
        last_month = start.month + 2
        return start, month_end(date(start.year, last_month, 1))
    return start, month_end(start)


def period_label(kind: str, start: date) -> str:
    """The public period label: ``YYYY-MM`` for months, ``YYYY-Qn`` for quarters."""
    if kind == PeriodKind.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def parse_period(value: str) -> tuple[str, date]:
    """``2026-03`` → (month, 2026-03-01); ``2026-Q3`` → (quarter, 2026-07-01).

    Raises ``ValueError`` with a readable message for anything else.
    """
    value = (value or "").strip().upper()
    try:
        if "-Q" in value:
            year, quarter = value.split("-Q")
            q = int(quarter)
            if not 1 <= q <= 4:
                raise ValueError
            return PeriodKind.QUARTER, date(int(year), 3 * (q - 1) + 1, 1)
        year, month = value.split("-")
        if len(year) != 4:
            raise ValueError
        return PeriodKind.MONTH, date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise ValueError("Use YYYY-MM for a month or YYYY-Qn for a quarter.") from None


def previous_periods(kind: str, start: date, count: int) -> list[date]:
    """The ``count`` period starts ending with ``start``, oldest first."""
    step = 3 if kind == PeriodKind.QUARTER else 1
    starts = []
    year, month = start.year, start.month
    for _ in range(count):
        starts.append(date(year, month, 1))
        month -= step
        while month < 1:
            month += 12
            year -= 1
    return list(reversed(starts))


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


# --- Targets ----------------------------------------------------------------------


class TargetQuerySet(VendorOwnedQuerySet):
    def in_force(self, day: date) -> TargetQuerySet:
        """Targets effective on ``day``: past periods use the targets then in force."""
        return self.filter(effective_from__lte=day).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day)
        )


class Target(models.Model):
    """A vendor's target for one KPI, effective-dated, with its red line and weight."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="kpi_targets")
    kpi = models.ForeignKey(KPI, on_delete=models.PROTECT, related_name="targets")
    contract = models.ForeignKey(
        "contracts.Contract",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kpi_targets",
    )
    clause = models.ForeignKey(
        "contracts.Clause",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kpi_targets",
        help_text="The SOW clause that commits the vendor to this target.",
    )
    target = models.FloatField(help_text="The committed level (green at or beyond it).")
    threshold = models.FloatField(
        help_text="The red line: worse than this is red and may earn a service credit."
    )
    weight = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor", "kpi__sort_order", "-effective_from"]
        indexes = [models.Index(fields=["vendor", "kpi", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.vendor} · {self.kpi}: {self.target}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.contract_id and self.contract.vendor_id != self.vendor_id:
            errors["contract"] = "This contract belongs to another vendor."
        if self.clause_id and self.clause.vendor_id != self.vendor_id:
            errors["clause"] = "This clause belongs to another vendor's contract."
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            errors["effective_to"] = "The end date must not be before the start date."
        kpi = self.kpi if self.kpi_id else None
        if (
            kpi is not None
            and self.target is not None
            and self.threshold is not None
            and not kpi.is_better(self.target, self.threshold)
        ):
            side = "below" if kpi.direction == Direction.HIGHER else "above"
            errors["threshold"] = (
                f"For “{kpi.name}” the red line must be {side} or equal to the target."
            )
        if not errors and kpi is not None and self.vendor_id and self.effective_from:
            overlapping = Target.objects.filter(vendor_id=self.vendor_id, kpi_id=self.kpi_id)
            if self.pk:
                overlapping = overlapping.exclude(pk=self.pk)
            end = self.effective_to or date.max
            overlapping = overlapping.filter(effective_from__lte=end).filter(
                Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from)
            )
            if overlapping.exists():
                errors["effective_from"] = (
                    "Another target for this KPI is in force in these dates; end it first."
                )
        if errors:
            raise ValidationError(errors)


# --- Measurements -----------------------------------------------------------------


class MeasurementQuerySet(VendorOwnedQuerySet):
    def within(self, start: date, end: date) -> MeasurementQuerySet:
        return self.filter(period_start__gte=start, period_start__lte=end)


class Measurement(models.Model):
    """One KPI value for one vendor and one day, week or month, from one side.

    For a ratio KPI the volume is the denominator (e.g. contacts offered) and the value
    is numerator ÷ denominator, so the period maths can rebuild the true ratio.
    """

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="kpi_measurements")
    kpi = models.ForeignKey(KPI, on_delete=models.PROTECT, related_name="measurements")
    period_start = models.DateField()
    granularity = models.CharField(
        max_length=8, choices=Granularity.choices, default=Granularity.DAY
    )
    value = models.FloatField()
    volume = models.PositiveIntegerField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    supplied_by = models.CharField(
        max_length=8, choices=SuppliedBy.choices, default=SuppliedBy.VENDOR
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeasurementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "kpi__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "kpi", "period_start", "granularity", "supplied_by"],
                name="measurement_unique_period",
            ),
        ]
        indexes = [models.Index(fields=["period_start", "granularity"])]

    def __str__(self) -> str:
        return f"{self.vendor} · {self.kpi} · {self.period_start}: {self.value}"

    @property
    def period_end(self) -> date:
        if self.granularity == Granularity.MONTH:
            return month_end(self.period_start)
        if self.granularity == Granularity.WEEK:
            return self.period_start + timedelta(days=6)
        return self.period_start

    def derive_counts(self) -> None:
        """Keep value, volume and counts consistent for ratio KPIs.

        Given numerator and denominator, the value follows; given only value and volume,
        the numerator follows — so aggregates can always use the counts.
        """
        kpi = self.kpi
        if not kpi.is_ratio:
            return
        if self.numerator is not None and self.denominator:
            self.value = round(self.numerator / self.denominator * kpi.scale, 6)
            if self.volume is None:
                self.volume = round(self.denominator)
        elif self.value is not None and self.volume:
            self.denominator = float(self.volume)
            self.numerator = self.value * self.volume / kpi.scale

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if (
            self.period_start
            and self.granularity == Granularity.MONTH
            and self.period_start.day != 1
        ):
            errors["period_start"] = "A monthly value starts on the first day of the month."
        if (
            self.period_start
            and self.granularity == Granularity.WEEK
            and self.period_start.isoweekday() != 1
        ):
            errors["period_start"] = "A weekly value starts on a Monday."
        if self.period_start and self.period_start > timezone.localdate() + timedelta(days=1):
            errors["period_start"] = "This period has not happened yet."
        kpi = self.kpi if self.kpi_id else None
        if kpi is not None:
            if kpi.is_ratio:
                if self.numerator is not None and self.denominator is not None:
                    if self.denominator <= 0:
                        errors["denominator"] = "The denominator must be more than zero."
                    elif self.numerator < 0 or self.numerator > self.denominator:
                        errors["numerator"] = "The numerator must be between 0 and the denominator."
                elif not self.volume:
                    errors["volume"] = (
                        f"“{kpi.name}” is a ratio: give the volume "
                        f"({kpi.volume_label or 'denominator'}) or the numerator and denominator."
                    )
            elif kpi.aggregation == Aggregation.WEIGHTED_MEAN and self.volume is None:
                errors["volume"] = (
                    f"“{kpi.name}” is weighted by volume ({kpi.volume_label or 'volume'}); give it."
                )
            if (
                self.value is not None
                and kpi.unit == Unit.PERCENT
                and kpi.aggregation != Aggregation.SUM
                and not 0 <= self.value <= 100
            ):
                errors["value"] = "A percentage is between 0 and 100."
            if (
                self.value is not None
                and kpi.unit in (Unit.SECONDS, Unit.MINUTES, Unit.HOURS)
                and self.value < 0
            ):
                errors["value"] = "A duration cannot be negative."
        if errors:
            raise ValidationError(errors)
        if kpi is not None:
            self.derive_counts()


# --- Published scorecards ---------------------------------------------------------


class ScorecardStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by vendor"
    APPEALED = "appealed", "Appealed"


class PublishedScorecard(models.Model):
    """A closed period's scorecard frozen as published: later edits never rewrite it."""

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="published_scorecards"
    )
    period_kind = models.CharField(
        max_length=8, choices=PeriodKind.choices, default=PeriodKind.MONTH
    )
    period_start = models.DateField()
    overall_score = models.FloatField(null=True, blank=True)
    standing = models.CharField(max_length=16, blank=True)
    snapshot = models.JSONField(help_text="Values, targets, weights and credits as published.")
    status = models.CharField(
        max_length=16, choices=ScorecardStatus.choices, default=ScorecardStatus.PUBLISHED
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = VendorOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "vendor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "period_kind", "period_start"], name="published_scorecard_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.vendor} · {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("scorecards:published_detail", kwargs={"pk": self.pk})

    @property
    def period(self) -> str:
        return period_label(self.period_kind, self.period_start)


class Appeal(models.Model):
    """The vendor contests one KPI line of a published scorecard, with a reason."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="scorecard_appeals")
    scorecard = models.ForeignKey(
        PublishedScorecard, on_delete=models.CASCADE, related_name="appeals"
    )
    kpi = models.ForeignKey(KPI, on_delete=models.PROTECT, related_name="appeals")
    reason = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    dispute = models.ForeignKey(
        "disputes.Dispute",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scorecard_appeals",
        help_text="The underperformance dispute the appeal opened.",
    )

    objects = VendorOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "kpi"], name="appeal_one_per_line")
        ]

    def __str__(self) -> str:
        return f"Appeal of {self.kpi} ({self.scorecard.period})"
