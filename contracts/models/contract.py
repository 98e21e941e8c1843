"""The contract: status, dates and notice, pricing model, service-credit terms, and
its rate card."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from vendorhub.models import Role, Vendor, VendorOwnedQuerySet

if TYPE_CHECKING:
    pass


# The scorecards library codes a service-credit allocation may name (shape is checked,
# existence of a KPI row is not: the scorecards app owns those).
KPI_CODES = (
    "service_level",
    "asa",
    "aht",
    "fcr",
    "repeat_contact_rate",
    "csat",
    "nps",
    "abandonment_rate",
    "qa_score",
    "schedule_adherence",
    "agent_attrition",
    "email_first_response",
    "contacts_handled",
    "handle_minutes",
)

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
#: The longest renewal or termination notice period a contract may have (ten years).
MAX_NOTICE_DAYS = 3650


class ContractStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class AbandonTreatment(models.TextChoices):
    """How abandoned contacts count in the service level (SPEC section 6, public).

    Short abandons (within ``short_abandon_seconds``) never count: the caller gave up
    before anyone could reasonably have answered.
    """

    COUNT_AGAINST = "count_against", "Count against the service level"
    EXCLUDE = "exclude", "Leave out of the service level"
    COUNT_FOR = "count_for", "Count as answered in time"


class PricingModel(models.TextChoices):
    PER_CONTACT = "per_contact", "Per contact"
    PER_MINUTE = "per_minute", "Per minute"
    PER_FTE_HOUR = "per_fte_hour", "Per FTE hour"
    FIXED_FEE = "fixed_fee", "Fixed fee"
    OUTCOME_BASED = "outcome_based", "Outcome based"
    HYBRID = "hybrid", "Hybrid"


# What each pricing model makes the vendor want (SPEC section 1): shown next to the
# pricing so nobody forgets which behaviour the contract pays for.
PRICING_INCENTIVES = {
    PricingModel.PER_CONTACT: "Rewards short calls and repeat contacts: watch FCR and repeat rate.",
    PricingModel.PER_MINUTE: "Rewards long calls: watch AHT.",
    PricingModel.PER_FTE_HOUR: "Rewards staffing hours, not outcomes: watch occupancy and SL.",
    PricingModel.FIXED_FEE: "Rewards doing less for the same fee: watch volumes and quality.",
    PricingModel.OUTCOME_BASED: "Rewards the measured outcome: make sure it is measured fairly.",
    PricingModel.HYBRID: "Mixed incentives: check each component of the rate card.",
}


def validate_currency(value: str) -> None:
    if not re.fullmatch(r"[A-Z]{3}", value or ""):
        raise ValidationError("Use a three-letter ISO 4217 code, e.g. EUR or USD.")


def validate_credit_allocation(value: Any) -> None:
    """A mapping KPI code -> percent of the at-risk amount; values 0..100, sum <= 100."""
    if not isinstance(value, dict):
        raise ValidationError('Give a mapping of KPI code to percent, e.g. {"service_level": 50}.')
    total = Decimal("0")
    for code, percent in value.items():
        if code not in KPI_CODES:
            raise ValidationError(f"“{code}” is not a KPI code ({', '.join(KPI_CODES)}).")
        if isinstance(percent, bool) or not isinstance(percent, (int, float, str)):
            raise ValidationError(f"The share of “{code}” must be a number.")
        try:
            share = Decimal(str(percent))
        except (ArithmeticError, ValueError):
            raise ValidationError(f"The share of “{code}” must be a number.") from None
        if not share.is_finite() or share < 0 or share > 100:
            raise ValidationError(f"The share of “{code}” must be between 0 and 100.")
        total += share
    if total > 100:
        raise ValidationError(f"The shares add up to {total} %, more than 100 %.")


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def renewed_end(end: date, term_months: int, terms: int) -> date:
    """The end date after ``terms`` renewals: a term starts the day after the previous
    end and lasts ``term_months`` (31 Dec + 12 months → 31 Dec; 30 Jun + 1 → 31 Jul)."""
    return add_months(end + timedelta(days=1), term_months * terms) - timedelta(days=1)


class ContractQuerySet(VendorOwnedQuerySet):
    def active(self) -> ContractQuerySet:
        return self.filter(status=ContractStatus.ACTIVE)

    def due_for_notice(self, start: date, end: date) -> ContractQuerySet:
        """Active contracts whose notice deadline falls in ``[start, end]`` (inclusive).

        Used by the renewal reminders and the executive dashboard.
        """
        return self.active().filter(notice_deadline__range=(start, end))

    def by_end_date(self) -> ContractQuerySet:
        """The renewal timeline order: soonest end first, open-ended contracts last."""
        return self.order_by(F("end_date").asc(nulls_last=True), "reference")


class Contract(models.Model):
    """A master services agreement or SOW with one vendor."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(
        max_length=60,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$", "Letters, digits, . _ / - only.")
        ],
        help_text="Your contract number, e.g. MSA-2024-017.",
    )
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=16, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    effective_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Empty for open-ended.")
    auto_renewal = models.BooleanField(
        default=False, help_text="Renews by itself unless notice is given in time."
    )
    renewal_term_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Length of each renewal term: an auto-renewing contract rolls forward by "
        "whole terms when its end date passes.",
    )
    renewal_notice_days = models.PositiveIntegerField(
        default=90, help_text="Days before the end date by which notice must be given."
    )
    termination_notice_days = models.PositiveIntegerField(
        default=90, help_text="Notice period for termination for convenience."
    )
    pricing_model = models.CharField(max_length=16, choices=PricingModel.choices)
    currency = models.CharField(max_length=3, default="EUR", validators=[validate_currency])
    monthly_fee = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Typical monthly invoice in the contract currency (base for service credits).",
    )
    service_credit_at_risk_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PERCENT_VALIDATORS,
        help_text="Share of the monthly fee at risk for missed KPIs, e.g. 10.",
    )
    service_credit_cap_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PERCENT_VALIDATORS,
        help_text="Monthly cap on service credits as a percent of the monthly fee.",
    )
    service_credit_allocation = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_credit_allocation],
        help_text='KPI code → percent of the at-risk amount, e.g. {"service_level": 50}.',
    )
    # The contract's service-level definition (public): scoring computes service level
    # and abandonment rate from summed counts with it, so changing it changes every
    # unpublished period at once.
    service_level_threshold_seconds = models.PositiveIntegerField(
        "service-level threshold (seconds)",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(3600)],
        help_text="A contact answered within this many seconds is answered in time (the "
        "20 of 80/20).",
    )
    abandon_treatment = models.CharField(
        "abandoned contacts in the service level",
        max_length=16,
        choices=AbandonTreatment.choices,
        default=AbandonTreatment.COUNT_AGAINST,
        help_text="How contacts abandoned after the short-abandon cut-off count in the "
        "service level.",
    )
    short_abandon_seconds = models.PositiveIntegerField(
        "short-abandon cut-off (seconds)",
        default=5,
        validators=[MaxValueValidator(600)],
        help_text="Contacts abandoned within this many seconds are short abandons and are "
        "left out of the service level and the abandonment rate (0: none).",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_contracts",
        limit_choices_to={"role": Role.MANAGER},
        help_text="The vendor manager accountable for this contract.",
    )
    internal_notes = models.TextField(
        blank=True, help_text="Internal to the client side; never shown to the vendor."
    )
    # Derived from end_date and renewal_notice_days in save(), stored so that the
    # reminder sweep and the dashboard can filter and index on it.
    notice_deadline = models.DateField(null=True, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContractQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor__name", "reference"]
        indexes = [models.Index(fields=["vendor", "status"]), models.Index(fields=["end_date"])]
        constraints = [
            models.CheckConstraint(
                name="contract_end_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("effective_date")),
                violation_error_message="The end date cannot be before the effective date.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.notice_deadline = self.compute_notice_deadline()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"end_date", "renewal_notice_days"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "notice_deadline"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("contracts:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        if self.end_date and self.effective_date and self.end_date < self.effective_date:
            raise ValidationError({"end_date": "The end date cannot be before the effective date."})
        for name in ("renewal_notice_days", "termination_notice_days"):
            if (getattr(self, name) or 0) > MAX_NOTICE_DAYS:
                # Found by the fuzzer: two million days before the end date is no date at
                # all (an OverflowError in compute_notice_deadline, a 500).
                raise ValidationError({name: f"At most {MAX_NOTICE_DAYS:,} days (ten years)."})
        if self.end_date and self.compute_notice_deadline() is None:
            raise ValidationError(
                {"renewal_notice_days": "The notice period reaches back before the year 1."}
            )

    def compute_notice_deadline(self) -> date | None:
        """The last day to give notice: end date minus the renewal notice period."""
        if self.end_date is None:
            return None
        try:
            return self.end_date - timedelta(days=self.renewal_notice_days or 0)
        except OverflowError:  # before the year 1; clean() refuses such a period
            return None

    @property
    def term_start(self) -> date | None:
        """First day of the current term: the day after the end date, one term back
        (never before the effective date)."""
        if self.end_date is None:
            return None
        start = add_months(self.end_date + timedelta(days=1), -self.renewal_term_months)
        return max(start, self.effective_date) if self.effective_date else start

    @property
    def next_term(self) -> tuple[date, date] | None:
        """(first, last day) of the term an auto-renewal would start, else None."""
        if self.end_date is None or not self.auto_renewal:
            return None
        return self.end_date + timedelta(days=1), renewed_end(
            self.end_date, self.renewal_term_months, 1
        )

    def renewal_due(self, today: date) -> int:
        """How many whole terms an auto-renewing contract must roll so that its end date
        is today or later (0 when it has not passed)."""
        if self.end_date is None or self.end_date >= today:
            return 0
        terms = 0
        while renewed_end(self.end_date, self.renewal_term_months, terms) < today:
            terms += 1
        return terms

    def days_to_notice(self, today: date) -> int | None:
        if self.notice_deadline is None:
            return None
        return (self.notice_deadline - today).days

    def notice_flag(self, today: date) -> str:
        """``overdue`` / ``soon`` (60 days) / ``upcoming`` (120 days) / ``ok`` / ``none``."""
        days = self.days_to_notice(today)
        if days is None or self.status != ContractStatus.ACTIVE:
            return "none"
        if days < 0:
            return "overdue"
        if days <= 60:
            return "soon"
        if days <= 120:
            return "upcoming"
        return "ok"

    @property
    def service_level_definition(self):
        """The contract's service-level definition (``contracts.service_level``)."""
        from ..service_level import ServiceLevelDefinition

        return ServiceLevelDefinition.of(self)

    @property
    def pricing_incentive(self) -> str:
        return PRICING_INCENTIVES.get(self.pricing_model, "")

    @property
    def service_credit_at_risk_amount(self) -> Decimal | None:
        if self.monthly_fee is None:
            return None
        return (self.monthly_fee * self.service_credit_at_risk_percent / 100).quantize(
            Decimal("0.01")
        )


class RateUnit(models.TextChoices):
    CONTACT = "contact", "per contact"
    MINUTE = "minute", "per minute"
    FTE_HOUR = "fte_hour", "per FTE hour"
    MONTH = "month", "per month"
    OUTCOME = "outcome", "per outcome"
    ONE_OFF = "one_off", "one-off"


class RateCardLine(models.Model):
    """One priced line of the contract's rate card (e.g. voice, English, per minute)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="rate_lines")
    description = models.CharField(max_length=200)
    unit = models.CharField(max_length=16, choices=RateUnit.choices)
    rate = models.DecimalField(
        max_digits=12, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    volume_band = models.CharField(
        max_length=80, blank=True, help_text="e.g. 0–50,000 contacts/month"
    )
    position = models.PositiveIntegerField(default=0)

    objects = VendorOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "position", "id"]

    def __str__(self) -> str:
        return f"{self.description}: {self.rate} {self.get_unit_display()}"

    def clean(self) -> None:
        super().clean()
        if self.contract_id and self.vendor_id is None:
            self.vendor_id = self.contract.vendor_id
