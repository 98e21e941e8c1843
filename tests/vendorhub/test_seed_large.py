"""``seed_large`` at a tiny scale: proportional counts, isolation, refusal and --reset.

The full data set is for the benchmark; this keeps the command honest in CI (rows that
the pages and the partner scoping accept) without loading millions of rows.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from rest_framework.test import APIClient

from contracts.models import Clause, Contract
from disputes.models import Dispute, DisputeEvent, DisputeSequence
from meetings.models import Attendance, Meeting
from scorecards.models import Measurement
from vendorhub.models import User, Vendor

pytestmark = pytest.mark.django_db
SCALE = "0.002"


def seed(*extra: str) -> None:
    call_command("seed_large", "--scale", SCALE, "--seed", "7", *extra, verbosity=0)


def counts() -> dict[str, int]:
    return {
        "vendors": Vendor.objects.filter(slug__startswith="bench-").count(),
        "contracts": Contract.objects.count(),
        "clauses": Clause.objects.count(),
        "disputes": Dispute.objects.count(),
        "events": DisputeEvent.objects.count(),
        "meetings": Meeting.objects.count(),
        "attendances": Attendance.objects.count(),
        "measurements": Measurement.objects.count(),
        "users": User.objects.filter(username__startswith="bench.").count(),
    }


def test_seed_large_creates_proportional_counts():
    seed()
    got = counts()
    assert got["vendors"] == 1  # 200 × 0.002 rounds to 0: at least one vendor
    assert got["contracts"] == 2
    assert got["clauses"] == 80
    assert got["disputes"] == 400
    assert 1_600 <= got["events"] <= 3_000  # about five per dispute
    assert got["meetings"] == 120
    assert got["attendances"] == 480
    assert 3_900 <= got["measurements"] <= 4_000
    assert got["users"] == 3  # manager, executive, one partner
    # Derived columns: unique references, sequence moved past them, clocks set.
    references = list(Dispute.objects.values_list("reference", flat=True))
    assert len(set(references)) == len(references)
    for sequence in DisputeSequence.objects.all():
        used = Dispute.objects.filter(reference__startswith=f"DSP-{sequence.year}-").count()
        assert sequence.last >= used
    assert not Dispute.objects.filter(resolution_due_at__lt=F("created_at")).exists()
    assert Dispute.objects.open().exists()
    assert Dispute.objects.exclude(status__in=["resolved", "closed"]).count() < 400
    assert DisputeEvent.objects.filter(internal=True).exists()
    assert not Clause.objects.exclude(vendor_id=F("contract__vendor_id")).exists()


def test_partner_sees_only_their_vendor_disputes_through_the_api(vendor_b):
    seed()
    other = Dispute.objects.first()
    # A dispute of another vendor, made by copying a bench one onto vendor_b.
    other.pk, other.reference, other.vendor = None, "DSP-1999-0001", vendor_b
    other.contract = other.clause = None
    other.save()
    partner = User.objects.get(username="bench.partner.1")
    api = APIClient()
    api.force_authenticate(partner)
    response = api.get("/api/v1/disputes/")
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert rows
    assert {row["vendor"] for row in rows} <= {partner.vendor.slug, partner.vendor_id}
    assert "DSP-1999-0001" not in {row["reference"] for row in rows}
    assert api.get(f"/api/v1/disputes/{other.pk}/").status_code == 404


def test_second_run_refuses_without_reset_and_reset_recreates():
    seed()
    before = counts()
    first_ids = set(Dispute.objects.values_list("pk", flat=True))
    with pytest.raises(CommandError, match="--reset"):
        seed()
    assert counts() == before
    seed("--reset")
    assert counts()["vendors"] == before["vendors"]
    assert counts()["disputes"] == before["disputes"]
    assert not first_ids & set(Dispute.objects.values_list("pk", flat=True))


def fingerprint() -> dict[str, list[tuple]]:
    """What the seed decides (not ids, not instants relative to now)."""
    return {
        "vendors": list(
            Vendor.objects.filter(slug__startswith="bench-")
            .order_by("slug")
            .values_list("slug", "name", "status", "timezone")
        ),
        "disputes": list(
            Dispute.objects.order_by("reference").values_list(
                "reference", "type", "severity", "status", "title", "is_recurring"
            )
        ),
        "measurements": list(
            Measurement.objects.order_by("vendor__slug", "kpi__code", "period_start").values_list(
                "vendor__slug", "kpi__code", "value", "volume", "numerator", "denominator"
            )
        ),
        "events": sorted(
            DisputeEvent.objects.values_list("dispute__reference", "kind", "to_status", "internal")
        ),
    }


def test_same_seed_gives_the_same_data():
    seed()
    first = fingerprint()
    seed("--reset")
    # References continue the year's counter after a reset: compare them by position.
    second = fingerprint()
    assert first["vendors"] == second["vendors"]
    assert first["measurements"] == second["measurements"]
    assert [row[1:] for row in first["disputes"]] == [row[1:] for row in second["disputes"]]
    assert len(first["events"]) == len(second["events"])
    assert sorted(row[1:] for row in first["events"]) == sorted(row[1:] for row in second["events"])
