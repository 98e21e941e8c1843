"""The demo disputes: every type and status, a recurring cluster, idempotent."""

from __future__ import annotations

from disputes import demo as disputes_demo
from disputes.models import Dispute, Status
from vendorhub.demo import DemoData, seed_core


def test_seed_covers_every_type_and_status_and_is_idempotent(db):
    data = DemoData()
    seed_core(data)
    disputes_demo.seed(data)
    count = Dispute.objects.count()
    disputes_demo.seed(data)
    assert Dispute.objects.count() == count
    assert set(Dispute.objects.values_list("status", flat=True)) == set(Status.values)
    assert len(set(Dispute.objects.values_list("type", flat=True))) == 4
    assert Dispute.objects.filter(is_recurring=True).count() >= 3
    assert Dispute.objects.filter(events__internal=True).exists()
    assert Dispute.objects.filter(raised_by_side="vendor").exists()
