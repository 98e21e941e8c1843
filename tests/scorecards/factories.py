"""Scorecard factories: always pass ``vendor=`` explicitly (tenancy tests)."""

from __future__ import annotations

from datetime import date

import factory

from scorecards.library import ensure_kpi_library
from scorecards.models import KPI, Measurement, Target


def ensure_library() -> None:
    """Re-add the KPI library: transactional (browser) tests flush migration data."""
    ensure_kpi_library()


def kpi(code: str) -> KPI:
    """A library KPI (added by the data migration)."""
    ensure_library()
    return KPI.objects.get(code=code)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    kpi = factory.LazyFunction(lambda: kpi("service_level"))
    target = 80.0
    threshold = 70.0
    weight = 10
    effective_from = date(2020, 1, 1)


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    kpi = factory.LazyFunction(lambda: kpi("service_level"))
    period_start = date(2025, 3, 1)
    granularity = "day"
    value = 80.0
    volume = 100
    supplied_by = "vendor"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.derive_counts()
        obj.save()
        return obj
