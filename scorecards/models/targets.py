"""Targets per vendor and KPI: target, red line, weight, effective dates."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from vendorhub.models import Vendor, VendorOwnedQuerySet

from .kpis import KPI, Direction

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
