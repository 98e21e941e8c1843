"""The scorecard's relationship figures: disputes opened and resolved in the period,
and the median days to resolve them, per vendor."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta

import pytest

from disputes import services
from tests.disputes.factories import make_dispute, move

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 5, 1, 12, tzinfo=UTC)


def _relationship(api, slug: str) -> dict:
    response = api.get(f"/api/v1/scorecards/?vendor={slug}&period=2025-05")
    assert response.status_code == 200
    return response.json()["results"][0]["relationship"]


def test_disputes_opened_resolved_and_median_days(api_for, manager, vendor_a, vendor_b):
    resolved_after = {0: timedelta(days=4), 3: timedelta(days=2, hours=12)}
    for offset in (0, 3, 10):
        dispute = make_dispute(vendor=vendor_a, by=manager, now=T0 + timedelta(days=offset))
        if offset in resolved_after:
            move(dispute, manager, "awaiting_vendor", "vendor_responded", "under_review")
            services.dispute_transition(
                dispute=dispute,
                to="resolved",
                by=manager,
                now=T0 + timedelta(days=offset) + resolved_after[offset],
            )
    make_dispute(vendor=vendor_a, by=manager, now=T0 - timedelta(days=5))  # April: not counted
    expected_median = round(
        statistics.median(d.total_seconds() / 86400 for d in resolved_after.values()), 1
    )

    figures = _relationship(api_for(manager), vendor_a.slug)
    assert figures["disputes_opened"] == 3
    assert figures["disputes_resolved"] == 2
    assert figures["median_days_to_resolve"] == expected_median == 3.2

    quiet = _relationship(api_for(manager), vendor_b.slug)
    assert quiet["disputes_opened"] == quiet["disputes_resolved"] == 0
    assert quiet["median_days_to_resolve"] is None  # "none", not 0 days
