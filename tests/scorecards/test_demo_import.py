"""The demo shows contact-centre data in: a platform connection and an imported month."""

from __future__ import annotations

import pytest

from contracts import demo as contracts_demo
from platforms.models import PlatformConnection
from scorecards import demo as scorecards_demo
from scorecards.models import Measurement
from scorecards.views_common import default_period
from vendorhub.demo import DemoData, seed_core

pytestmark = pytest.mark.django_db


def test_the_demo_imports_a_month_of_genesys_data_idempotently():
    data = DemoData()
    seed_core(data)
    contracts_demo.seed(data)
    scorecards_demo.seed(data)
    _kind, month = default_period()
    imported = Measurement.objects.filter(
        vendor__slug="atlas-contact", supplied_by="client", source="import"
    )
    count = imported.count()
    assert count >= 28 * 6
    assert set(imported.values_list("period_start__month", flat=True)) == {month.month}
    scorecards_demo.seed(data)
    assert imported.count() == count
    assert PlatformConnection.objects.filter(vendor__slug="atlas-contact").count() == 1
