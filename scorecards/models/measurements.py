"""Measurements: one KPI value for one vendor and period, by supplier."""

from __future__ import annotations

import math
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from contracts.service_level import DEFAULT_DEFINITION, ServiceLevelDefinition
from vendorhub.models import Vendor, VendorOwnedQuerySet

from ..formulas import (
    COUNT_FIELDS,
    REQUIRED_COUNTS,
    allowed_counts,
    fraction_from_counts,
    is_count_derived,
)
from .kpis import KPI, Aggregation, Granularity, Source, SuppliedBy, Unit
from .periods import month_end

# --- Measurements -----------------------------------------------------------------


class MeasurementQuerySet(VendorOwnedQuerySet):
    def within(self, start: date, end: date) -> MeasurementQuerySet:
        return self.filter(period_start__gte=start, period_start__lte=end)


class Measurement(models.Model):
    """One KPI value for one vendor and one day, week or month, from one side.

    For a ratio KPI the volume is the denominator (e.g. contacts offered) and the value
    is numerator ÷ denominator, so the period maths can rebuild the true ratio.

    A count-derived library KPI (``scorecards.formulas``: service level, abandonment
    rate, ASA, AHT, contacts handled, handle minutes) may instead carry the raw counts
    the platform reported (offered, answered, …). Scoring then always recomputes the
    period's value from the summed counts with the contract's definition; the stored
    ``value`` is a convenience for lists (``None`` when there was nothing to divide by,
    e.g. no answered contact that day: no ASA, rather than a made-up 0).
    """

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="kpi_measurements")
    kpi = models.ForeignKey(KPI, on_delete=models.PROTECT, related_name="measurements")
    period_start = models.DateField()
    granularity = models.CharField(
        max_length=8, choices=Granularity.choices, default=Granularity.DAY
    )
    value = models.FloatField(null=True, blank=True)
    volume = models.PositiveIntegerField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    # Raw contact-centre counts (count-derived KPIs only; see scorecards.formulas).
    offered = models.PositiveIntegerField("contacts offered", null=True, blank=True)
    answered = models.PositiveIntegerField("contacts answered", null=True, blank=True)
    answered_in_threshold = models.PositiveIntegerField(
        "answered within the threshold", null=True, blank=True
    )
    threshold_seconds = models.PositiveIntegerField(
        "threshold (seconds)",
        null=True,
        blank=True,
        help_text="The threshold the platform counted “answered within” at; empty when the "
        "source did not say (then taken to be the contract's).",
    )
    abandoned = models.PositiveIntegerField("contacts abandoned", null=True, blank=True)
    short_abandoned = models.PositiveIntegerField("short abandons", null=True, blank=True)
    handled = models.PositiveIntegerField("contacts handled", null=True, blank=True)
    handle_seconds = models.FloatField(
        "total handle time (seconds)", null=True, blank=True, validators=[MinValueValidator(0)]
    )
    answer_wait_seconds = models.FloatField(
        "total wait before answer (seconds)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    supplied_by = models.CharField(
        max_length=8, choices=SuppliedBy.choices, default=SuppliedBy.VENDOR
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    #: Bumped by every change; an API write names the version it read (409 if stale).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MeasurementQuerySet.as_manager()
    history = HistoricalRecords()

    #: The service-level definition the stored ``value`` of a counted row is derived
    #: with (set by the write services from the vendor's contract; not a column).
    definition: ServiceLevelDefinition = DEFAULT_DEFINITION

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

    @property
    def counts(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in COUNT_FIELDS}

    @property
    def has_counts(self) -> bool:
        """Does this row carry raw counts (then its value is derived from them)?"""
        return any(getattr(self, name) is not None for name in COUNT_FIELDS)

    def derive_counts(self) -> None:
        """Keep value, volume and counts consistent.

        A row with raw counts: value, volume, numerator and denominator follow from the
        counts (with ``definition``). A ratio row: given numerator and denominator, the
        value follows; given only value and volume, the numerator follows — so
        aggregates can always use the counts.
        """
        kpi = self.kpi
        if self.has_counts and is_count_derived(kpi.code):
            parts = fraction_from_counts(kpi.code, self.counts, self.definition)
            if parts is None:
                return
            numerator, denominator, scale = parts
            if denominator is None:
                self.value = numerator * scale
                self.numerator = self.denominator = None
                self.volume = self.handled if kpi.code == "handle_minutes" else None
            else:
                self.value = numerator / denominator * scale if denominator else None
                self.volume = round(denominator)
                if kpi.is_ratio:
                    self.numerator, self.denominator = numerator, denominator
                else:
                    self.numerator = self.denominator = None
            return
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
        for name in ("value", "numerator", "denominator", "handle_seconds", "answer_wait_seconds"):
            number = getattr(self, name)
            if number is not None and not math.isfinite(number):
                errors[name] = "Enter a finite number."
        if errors:
            raise ValidationError(errors)
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
            if self.has_counts:
                errors.update(self._count_errors(kpi))
            else:
                errors.update(self._value_errors(kpi))
        if errors:
            raise ValidationError(errors)
        if kpi is not None:
            typed = self.value
            self.derive_counts()
            if typed is not None and self.value is not None and not _agrees(typed, self.value):
                raise ValidationError({"value": self._mismatch_message(kpi, typed)})

    def _mismatch_message(self, kpi: KPI, typed: float) -> str:
        unit = kpi.unit_symbol
        basis = "the counts" if self.has_counts else f"{self.numerator:g} ÷ {self.denominator:g}"
        return (
            f"{typed:g}{unit} does not match {basis}, which give {self.value:.2f}{unit}. "
            "Give the value (with its volume) or the counts, or make them agree; nothing "
            "was saved."
        )

    def _value_errors(self, kpi: KPI) -> dict[str, str]:
        """A row entered as value and volume (or numerator and denominator)."""
        errors: dict[str, str] = {}
        if kpi.is_ratio:
            if self.numerator is not None and self.denominator is not None:
                if self.denominator <= 0:
                    errors["denominator"] = "The denominator must be more than zero."
                elif self.numerator < 0 or self.numerator > self.denominator:
                    errors["numerator"] = "The numerator must be between 0 and the denominator."
            elif self.numerator is not None or self.denominator is not None:
                missing = "denominator" if self.denominator is None else "numerator"
                errors[missing] = f"Give the {missing} too (or neither, with value and volume)."
            elif not self.volume:
                errors["volume"] = (
                    f"“{kpi.name}” is a ratio: give the volume "
                    f"({kpi.volume_label or 'denominator'}) or the numerator and denominator."
                )
        else:
            for name in ("numerator", "denominator"):
                if getattr(self, name) is not None:
                    errors[name] = f"“{kpi.name}” is not a ratio: give its value (and volume)."
            if kpi.aggregation == Aggregation.WEIGHTED_MEAN and self.volume is None:
                errors["volume"] = (
                    f"“{kpi.name}” is weighted by volume ({kpi.volume_label or 'volume'}); give it."
                )
        has_fraction = self.numerator is not None and self.denominator
        if self.value is None and not has_fraction and "volume" not in errors:
            errors["value"] = "Enter the value (or, for a ratio, its counts)."
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
        return errors

    def _count_errors(self, kpi: KPI) -> dict[str, str]:
        """A row carrying raw counts: only for count-derived KPIs, complete and coherent."""
        errors: dict[str, str] = {}
        given = [name for name in COUNT_FIELDS if getattr(self, name) is not None]
        if not is_count_derived(kpi.code):
            for name in given:
                errors[name] = (
                    f"“{kpi.name}” is not computed from contact counts; give its value "
                    "and volume (or numerator and denominator)."
                )
            return errors
        allowed = allowed_counts(kpi.code)
        for name in given:
            if name not in allowed:
                errors[name] = f"Not used by “{kpi.name}”; leave it empty."
        for name in REQUIRED_COUNTS[kpi.code]:
            if getattr(self, name) is None:
                errors[name] = f"“{kpi.name}” from counts needs this count too."
        for name in ("numerator", "denominator"):
            if getattr(self, name) is not None:
                errors[name] = "Give the counts or the numerator and denominator, not both."
        for name in ("handle_seconds", "answer_wait_seconds"):
            if getattr(self, name) is not None and getattr(self, name) < 0:
                errors[name] = "A duration cannot be negative."
        pairs = (("answered_in_threshold", "answered"), ("short_abandoned", "abandoned"))
        for part, whole in pairs:
            a, b = getattr(self, part), getattr(self, whole)
            if a is not None and b is not None and a > b and part not in errors:
                label = self._meta.get_field(whole).verbose_name
                errors[part] = f"Cannot be more than the {label} ({b})."
        return errors


def _agrees(typed: float, exact: float) -> bool:
    """Does a typed value agree with the exact one, to the decimals it was typed with?

    ``66.67`` and ``66.7`` agree with 600 ÷ 900 (66.666…); ``82.5`` does not.
    """
    if abs(typed - exact) < 1e-6:
        return True
    text = repr(float(typed))
    decimals = 0 if "e" in text else len(text.split(".")[1].rstrip("0"))
    return abs(round(exact, min(decimals, 6)) - typed) < 1e-9
