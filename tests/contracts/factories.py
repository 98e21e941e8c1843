"""Contracts factories: always pass ``vendor=`` (tenancy tests) or a contract."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from contracts.models import Amendment, Clause, Contract, RateCardLine, ScopeChange
from contracts.services import clause_update_search_vector


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    reference = factory.Sequence(lambda n: f"MSA-2025-{n:03d}")
    title = "Customer service master agreement"
    status = "active"
    effective_date = date(2024, 1, 1)
    end_date = date(2026, 12, 31)
    renewal_notice_days = 90
    pricing_model = "per_minute"
    currency = "EUR"
    monthly_fee = Decimal("100000.00")
    service_credit_at_risk_percent = Decimal("10")
    service_credit_cap_percent = Decimal("15")


class ClauseFactory(factory.django.DjangoModelFactory):
    """Writes the search vector like ``clause_save`` does, so search tests are honest."""

    class Meta:
        model = Clause
        skip_postgeneration_save = True

    vendor = factory.LazyAttribute(lambda o: o.contract.vendor)
    number = factory.Sequence(lambda n: f"9.{n + 1}")
    heading = "General"
    body = "The parties shall cooperate in good faith."
    category = "other"

    @factory.post_generation
    def _vector(obj, create, extracted, **kwargs):
        if create:
            clause_update_search_vector(clause_ids=[obj.pk])


class RateCardLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RateCardLine

    vendor = factory.LazyAttribute(lambda o: o.contract.vendor)
    description = "Voice, English"
    unit = "minute"
    rate = Decimal("0.85")


class AmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amendment

    vendor = factory.LazyAttribute(lambda o: o.contract.vendor)
    reference = factory.Sequence(lambda n: f"Amendment {n + 1}")
    effective_date = date(2025, 3, 1)
    summary = "Service level tightened."


class ScopeChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScopeChange

    vendor = factory.LazyAttribute(lambda o: o.contract.vendor)
    title = "Weekend chat coverage"
    description = "Chat on Saturdays, not in the SOW."
    price_impact = Decimal("4500.00")
