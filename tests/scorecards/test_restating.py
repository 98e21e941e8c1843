"""Restating a published scorecard: version 2 with the reason, version 1 still readable,
the vendor told."""

from __future__ import annotations

from datetime import date

import pytest

from scorecards.models import Measurement, PublishedScorecard
from scorecards.services import scorecard_publish
from tests.scorecards.factories import MeasurementFactory, TargetFactory
from vendorhub.models import Notification

pytestmark = pytest.mark.django_db
MARCH = date(2025, 3, 1)
REASON = "Appeal DSP-2025-0007 upheld: the outage day is excluded."


@pytest.fixture
def published(vendor_a, manager, partner_a):
    TargetFactory(vendor=vendor_a)
    MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 3), value=60, volume=100)
    return scorecard_publish(vendor=vendor_a, period_kind="month", period_start=MARCH, by=manager)


def _restate(client, published, reason=REASON):
    return client.post(f"/scorecards/published/{published.pk}/restate/", {"reason": reason})


def test_restating_publishes_version_2_and_keeps_version_1(
    client_for, manager, partner_a, published, vendor_a
):
    # The corrected data: the appeal was upheld, the day re-measured.
    Measurement.objects.filter(vendor=vendor_a).update(value=85, numerator=85)
    response = _restate(client_for(manager), published)
    assert response.status_code == 302
    v1, v2 = PublishedScorecard.objects.order_by("version")
    assert (v1.version, v2.version, v2.restates_id) == (1, 2, v1.pk)
    assert v2.restatement_reason == REASON
    assert v1.snapshot["kpis"][0]["actual"] == 60.0  # as first published
    assert v2.snapshot["kpis"][0]["actual"] == 85.0
    assert v1.superseded_at is not None and v2.superseded_at is None
    # Both readable by the vendor; the old one says it was superseded.
    partner = client_for(partner_a)
    old = partner.get(f"/scorecards/published/{v1.pk}/").content.decode()
    assert "Superseded" in old and f"/scorecards/published/{v2.pk}/" in old
    new = partner.get(f"/scorecards/published/{v2.pk}/").content.decode()
    assert REASON in new and "version 2" in new
    told = Notification.objects.get(recipient=partner_a, kind="scorecard_restated")
    assert "version 2" in told.message and REASON in told.message
    assert told.url == f"/scorecards/published/{v2.pk}/"


def test_only_the_latest_version_is_restated_acknowledged_or_appealed(
    client_for, manager, partner_a, published
):
    _restate(client_for(manager), published)
    again = _restate(client_for(manager), published)
    assert again.status_code == 400 and PublishedScorecard.objects.count() == 2
    response = client_for(partner_a).post(f"/scorecards/published/{published.pk}/acknowledge/")
    published.refresh_from_db()
    assert response.status_code == 302 and published.status == "published"


def test_a_reason_is_required(client_for, manager, published):
    response = _restate(client_for(manager), published, reason="")
    assert response.status_code == 400
    assert PublishedScorecard.objects.count() == 1


def test_only_managers_restate(client_for, executive, partner_a, partner_b, published):
    assert _restate(client_for(executive), published).status_code == 403
    assert _restate(client_for(partner_a), published).status_code == 403
    assert _restate(client_for(partner_b), published).status_code == 404
    assert PublishedScorecard.objects.count() == 1


def test_the_scorecard_page_lists_the_current_version(client_for, manager, published):
    _restate(client_for(manager), published)
    v2 = PublishedScorecard.objects.get(version=2)
    page = client_for(manager).get("/scorecards/vendor/acme-contact/?period=2025-03")
    assert f"/scorecards/published/{v2.pk}/" in page.content.decode()
