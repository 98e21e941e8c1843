"""SOW clauses (every edit versioned) and the amendments that change them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from vendorhub.models import Vendor, VendorOwnedQuerySet

if TYPE_CHECKING:
    pass
from .contract import Contract


class PostgresGinIndex(GinIndex):
    """A GIN index on PostgreSQL; a plain index elsewhere (SQLite never reads the column)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class ClauseCategory(models.TextChoices):
    SCOPE = "scope", "Scope"
    SERVICE_LEVEL = "service_level", "Service level"
    KPI = "kpi", "KPI"
    PENALTY = "penalty", "Penalty / service credit"
    PRICING = "pricing", "Pricing"
    TERMINATION = "termination", "Termination"
    GOVERNANCE = "governance", "Governance"
    COMMUNICATION = "communication", "Communication"
    DATA_PROTECTION = "data_protection", "Data protection"
    OTHER = "other", "Other"


class ObligatedParty(models.TextChoices):
    VENDOR = "vendor", "Vendor"
    CLIENT = "client", "Client"
    BOTH = "both", "Both"


CLAUSE_NUMBER_RE = r"^\d+(\.\d+)*$"


def clause_sort_key(number: str) -> str:
    """``4.10`` after ``4.9``: each part zero-padded so the text order is the outline order."""
    return ".".join(part.zfill(4) for part in number.split("."))


class ClauseQuerySet(VendorOwnedQuerySet):
    def in_outline_order(self) -> ClauseQuerySet:
        return self.order_by("contract_id", "sort_key")


class Clause(models.Model):
    """One numbered SOW clause. Write through ``services.clause_save`` (search vector)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="clauses")
    number = models.CharField(
        max_length=32,
        validators=[RegexValidator(CLAUSE_NUMBER_RE, "Use dotted numbers, e.g. 4.2.1.")],
    )
    heading = models.CharField(max_length=200)
    body = models.TextField()
    category = models.CharField(max_length=20, choices=ClauseCategory.choices)
    obligated_party = models.CharField(
        max_length=8, choices=ObligatedParty.choices, default=ObligatedParty.VENDOR
    )
    sort_key = models.CharField(max_length=200, editable=False, db_index=True)
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClauseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_vector", "sort_key"])

    class Meta:
        ordering = ["contract_id", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"],
                name="clause_unique_number",
                violation_error_message="This contract already has a clause with this number.",
            )
        ]
        indexes = [
            PostgresGinIndex(fields=["search_vector"], name="clause_search_gin"),
            models.Index(fields=["vendor", "category"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.heading}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_key = clause_sort_key(self.number or "")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("contracts:detail", kwargs={"pk": self.contract_id}) + f"#clause-{self.pk}"

    @property
    def anchor(self) -> str:
        return f"clause-{self.pk}"


class Amendment(models.Model):
    """A dated, signed change to the contract, listing the clauses it changed."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    reference = models.CharField(max_length=60, help_text="e.g. Amendment No. 2")
    effective_date = models.DateField()
    summary = models.TextField()
    clauses = models.ManyToManyField(Clause, blank=True, related_name="amendments")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VendorOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "reference"], name="amendment_unique_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.effective_date:%d %b %Y})"
