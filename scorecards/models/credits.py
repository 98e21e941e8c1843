"""The service-credit lifecycle per contract and month (SPEC section 6, "Money").

indicative → claimed → agreed → settled, or waived (with a reason) from any state
before settled. A row exists once a month's credit is published (its figures frozen
with the scorecard) or acted on; until then a month's credit is indicative and computed
live (``scorecards.credits``). The vendor may dispute a claim: that opens a ``pricing``
dispute linked to the row.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from vendorhub.models import Vendor, VendorOwnedQuerySet

from .periods import PeriodKind, period_label


class CreditStatus(models.TextChoices):
    INDICATIVE = "indicative", "Indicative"
    CLAIMED = "claimed", "Claimed"
    AGREED = "agreed", "Agreed"
    SETTLED = "settled", "Settled"
    WAIVED = "waived", "Waived"


class CreditMove(models.TextChoices):
    """The states a move may lead to (the API's ``to``)."""

    CLAIMED = "claimed", "Claim"
    AGREED = "agreed", "Agree"
    SETTLED = "settled", "Settle"
    WAIVED = "waived", "Waive"


#: Allowed moves: from → the states it may go to.
CREDIT_MOVES: dict[str, tuple[str, ...]] = {
    CreditStatus.INDICATIVE: (CreditStatus.CLAIMED, CreditStatus.WAIVED),
    CreditStatus.CLAIMED: (CreditStatus.AGREED, CreditStatus.WAIVED),
    CreditStatus.AGREED: (CreditStatus.SETTLED, CreditStatus.WAIVED),
    CreditStatus.SETTLED: (),
    CreditStatus.WAIVED: (),
}

OPEN_STATUSES = (CreditStatus.CLAIMED, CreditStatus.AGREED)


class ServiceCredit(models.Model):
    """One contract's service credit for one month, and where it stands."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="service_credits")
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="service_credits"
    )
    period_start = models.DateField(help_text="First day of the month.")
    currency = models.CharField(max_length=3)
    at_risk = models.DecimalField(max_digits=14, decimal_places=2)
    before_cap = models.DecimalField(max_digits=14, decimal_places=2)
    earned = models.DecimalField(max_digits=14, decimal_places=2)
    amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The amount claimed (the earned credit), or as agreed.",
    )
    status = models.CharField(
        max_length=12, choices=CreditStatus.choices, default=CreditStatus.INDICATIVE
    )
    published = models.BooleanField(
        default=False, help_text="The figures were frozen by the published scorecard."
    )
    reason = models.TextField(blank=True, help_text="Why it was waived.")
    dispute = models.ForeignKey(
        "disputes.Dispute",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_credits",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waived_at = models.DateTimeField(null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = VendorOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "contract__reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_start"], name="service_credit_contract_month"
            )
        ]
        indexes = [models.Index(fields=["vendor", "status"])]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.period}: {self.earned} {self.currency} ({self.status})"

    @property
    def period(self) -> str:
        return period_label(PeriodKind.MONTH, self.period_start)

    @property
    def disputed(self) -> bool:
        return self.dispute_id is not None

    def may_move_to(self, to: str) -> bool:
        return to in CREDIT_MOVES.get(self.status, ())

    @staticmethod
    def month(day: date) -> date:
        return day.replace(day=1)
