"""Scope changes: work asked of the vendor beyond the SOW, proposed and decided."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from vendorhub.access import acts_for_vendor
from vendorhub.models import Vendor, VendorOwnedQuerySet

if TYPE_CHECKING:
    from vendorhub.access import acts_for_vendor
from vendorhub.models import User

from .contract import Contract


class ScopeChangeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class ScopeChange(models.Model):
    """Work asked of the vendor that the SOW does not cover, with its price impact."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="scope_changes")
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What is asked, and why the SOW does not cover it.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_side = models.CharField(
        max_length=8, choices=[("client", "Client"), ("vendor", "Vendor")], default="client"
    )
    status = models.CharField(
        max_length=10, choices=ScopeChangeStatus.choices, default=ScopeChangeStatus.PROPOSED
    )
    price_impact = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Change to the monthly fee in the contract currency (negative = saving).",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VendorOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["vendor", "status"])]

    def __str__(self) -> str:
        return self.title


def may_propose_scope_change(user: User, contract: Contract) -> bool:
    """Managers and the contract vendor's own partners may propose; executives only read."""
    return acts_for_vendor(user, contract.vendor_id)
