"""Target rules: red line on the right side, no overlapping targets."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from scorecards.models import Target
from scorecards.services import target_save
from tests.scorecards.factories import TargetFactory, kpi

pytestmark = pytest.mark.django_db


def test_red_line_above_target_is_refused_for_higher_is_better(vendor_a, manager):
    target = Target(
        vendor=vendor_a, kpi=kpi("csat"), target=80, threshold=85, effective_from=date(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        target_save(target=target, by=manager)
    assert "threshold" in exc.value.message_dict
    assert not Target.objects.exists()


def test_overlapping_targets_for_one_kpi_are_refused(vendor_a, manager):
    TargetFactory(vendor=vendor_a, effective_from=date(2025, 1, 1))
    again = Target(
        vendor=vendor_a,
        kpi=kpi("service_level"),
        target=85,
        threshold=75,
        effective_from=date(2025, 6, 1),
    )
    with pytest.raises(ValidationError) as exc:
        target_save(target=again, by=manager)
    assert "effective_from" in exc.value.message_dict


def test_another_vendor_may_have_its_own_target(vendor_a, vendor_b, manager):
    TargetFactory(vendor=vendor_a, effective_from=date(2025, 1, 1))
    other = Target(
        vendor=vendor_b,
        kpi=kpi("service_level"),
        target=85,
        threshold=75,
        effective_from=date(2025, 1, 1),
    )
    assert target_save(target=other, by=manager).pk
