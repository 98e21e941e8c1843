"""Publishing freezes a closed period; the vendor acknowledges or appeals a line."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disputes.models import Dispute
from scorecards.models import Appeal, Measurement, PublishedScorecard
from scorecards.services import scorecard_acknowledge, scorecard_appeal, scorecard_publish
from tests.scorecards.factories import MeasurementFactory, TargetFactory
from vendorhub.models import Notification

pytestmark = pytest.mark.django_db
MARCH = date(2025, 3, 1)


@pytest.fixture
def published(vendor_a, manager, partner_a):
    TargetFactory(vendor=vendor_a)
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 3), value=60, volume=100)
    return scorecard_publish(vendor=vendor_a, period_kind="month", period_start=MARCH, by=manager)


def test_publishing_freezes_values_targets_and_weights(published, vendor_a):
    line = published.snapshot["kpis"][0]
    assert (line["kpi"], line["actual"], line["target"], line["weight"], line["rag"]) == (
        "service_level",
        60.0,
        80.0,
        10,
        "red",
    )
    Measurement.objects.filter(vendor=vendor_a).update(value=99, numerator=99)
    vendor_a.kpi_targets.update(target=50, weight=1)
    published.refresh_from_db()
    assert published.snapshot["kpis"][0]["actual"] == 60.0
    assert published.snapshot["kpis"][0]["target"] == 80.0
    assert published.overall_score == 0.0


def test_publishing_tells_the_vendor(published, partner_a):
    assert Notification.objects.filter(recipient=partner_a, kind="scorecard_published").exists()


def test_an_open_period_cannot_be_published(vendor_a, manager):
    today = date.today()
    with pytest.raises(ValidationError):
        scorecard_publish(
            vendor=vendor_a, period_kind="month", period_start=today.replace(day=1), by=manager
        )
    assert not PublishedScorecard.objects.exists()


def test_publishing_twice_is_refused(published, vendor_a, manager):
    with pytest.raises(ValidationError):
        scorecard_publish(vendor=vendor_a, period_kind="month", period_start=MARCH, by=manager)
    assert PublishedScorecard.objects.count() == 1


def test_executive_may_not_publish(vendor_a, executive):
    with pytest.raises(PermissionDenied):
        scorecard_publish(vendor=vendor_a, period_kind="month", period_start=MARCH, by=executive)


def test_partner_acknowledges(published, partner_a):
    scorecard_acknowledge(scorecard=published, by=partner_a)
    published.refresh_from_db()
    assert published.status == "acknowledged" and published.acknowledged_by == partner_a


def test_other_vendors_partner_cannot_acknowledge(published, partner_b):
    with pytest.raises(PermissionDenied):
        scorecard_acknowledge(scorecard=published, by=partner_b)


def test_appeal_opens_an_underperformance_dispute_linked_to_kpi_and_period(published, partner_a):
    appeal = scorecard_appeal(
        scorecard=published,
        kpi_code="service_level",
        reason="The telephony outage on 3 March was yours.",
        by=partner_a,
    )
    dispute = Dispute.objects.get(scorecard_appeals=appeal)
    assert dispute.type == "underperformance"
    assert dispute.vendor_id == published.vendor_id
    assert (dispute.kpi_period_start, dispute.kpi_period_end) == (MARCH, date(2025, 3, 31))
    if hasattr(Dispute, "kpi"):
        assert dispute.kpi.code == "service_level"
    published.refresh_from_db()
    assert published.status == "appealed"


def test_appeal_needs_a_reason_and_changes_nothing_without_one(published, partner_a):
    with pytest.raises(ValidationError):
        scorecard_appeal(scorecard=published, kpi_code="service_level", reason=" ", by=partner_a)
    assert not Appeal.objects.exists() and not Dispute.objects.exists()


def test_appeal_of_a_kpi_not_on_the_scorecard_is_refused(published, partner_a):
    with pytest.raises(ValidationError):
        scorecard_appeal(
            scorecard=published, kpi_code="nps", reason="Not measured by us at all.", by=partner_a
        )
    assert not Dispute.objects.exists()
