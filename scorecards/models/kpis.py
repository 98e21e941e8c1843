"""KPI definitions: unit, direction, aggregation; the contact-centre library."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords


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
    IMPORT = "import", "File import"
    API = "api", "API"
    PLATFORM = "platform", "Platform pull"


class SuppliedBy(models.TextChoices):
    VENDOR = "vendor", "Vendor-reported"
    CLIENT = "client", "Client-measured"


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
