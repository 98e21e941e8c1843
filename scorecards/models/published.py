"""Published scorecards (frozen snapshots) and the vendor's appeals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from vendorhub.models import Vendor, VendorOwnedQuerySet

from .kpis import KPI
from .periods import PeriodKind, period_label

# --- Published scorecards ---------------------------------------------------------


class ScorecardStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by vendor"
    APPEALED = "appealed", "Appealed"


class PublishedScorecardQuerySet(VendorOwnedQuerySet):
    def current(self) -> PublishedScorecardQuerySet:
        """The version in force of each published period (restated ones excluded)."""
        return self.filter(superseded_at__isnull=True)


class PublishedScorecard(models.Model):
    """A closed period's scorecard frozen as published: later edits never rewrite it.

    A published scorecard can be restated (e.g. after an upheld appeal): a new version
    with the reason, recomputed from the data as it is now; the earlier version stays
    readable, marked as superseded, so what was published when is never lost.
    """

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
    version = models.PositiveIntegerField(default=1)
    restates = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="restated_by",
        help_text="The version this one replaces.",
    )
    restatement_reason = models.TextField(blank=True)
    superseded_at = models.DateTimeField(
        null=True, blank=True, help_text="When a restatement replaced this version."
    )

    objects = PublishedScorecardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "vendor__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "period_kind", "period_start", "version"],
                name="published_scorecard_version",
            ),
            models.UniqueConstraint(
                fields=["vendor", "period_kind", "period_start"],
                condition=models.Q(superseded_at__isnull=True),
                name="published_scorecard_one_current",
            ),
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
