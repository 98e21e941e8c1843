"""``vendorhub.bulk_copy``: what COPY writes reads back exactly; broken keys never land.

``seed_large`` depends on it for millions of rows, so the escaping (tabs, newlines,
backslashes, JSON), the defaults Django would have filled in, the reserved primary keys
and the set-based foreign-key check after a trigger-less load are pinned here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection

from contracts.models import Clause, Contract
from disputes.models import Dispute, DisputeEvent
from tests.factories import VendorFactory
from vendorhub.bulk_copy import TableLoader, bulk_load, copy_text
from vendorhub.models import Vendor

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_copy_text_escapes_what_copy_treats_specially():
    assert copy_text(None) == "\\N"
    assert copy_text("a\tb\nc\\d\re") == "a\\tb\\nc\\\\d\\re"
    assert copy_text(True) == "t"
    assert copy_text(3) == "3"
    assert copy_text(Decimal("12.50")) == "12.50"
    assert copy_text(date(2026, 1, 2)) == "2026-01-02"
    assert copy_text({"a": "x\ty"}) == '{"a": "x\\\\ty"}'


def test_rows_read_back_equal_with_defaults_and_reserved_ids():
    vendor = VendorFactory(slug="copy-vendor")
    loader = TableLoader(Contract, now=NOW, want_ids=True, batch=2)
    rows = [
        {
            "vendor_id": vendor.pk,
            "reference": f"C-{n}",
            "title": "Tab\there, line\nbreak, back\\slash, quote ' \" and ü",
            "effective_date": date(2025, 1, 1),
            "pricing_model": "per_contact",
            "monthly_fee": Decimal("1000.50"),
            "service_credit_allocation": {"service_level": 50, "note": "a\nb"},
        }
        for n in range(5)
    ]
    loader.extend(rows)
    loader.flush()
    assert loader.written == 5
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == 5
    stored = {c.pk: c for c in Contract.objects.filter(vendor=vendor)}
    assert set(stored) == set(ids)
    contract = stored[ids[0]]
    assert contract.title == rows[0]["title"]
    assert contract.service_credit_allocation == {"service_level": 50, "note": "a\nb"}
    assert contract.monthly_fee == Decimal("1000.50")
    # Defaults Django would have applied, and auto_now columns set to ``now``.
    assert contract.currency == "EUR"
    assert contract.renewal_notice_days == 90
    if connection.vendor == "postgresql":  # bulk_create (SQLite) stamps the real now
        assert contract.created_at == NOW and contract.updated_at == NOW
    # The sequence moved past the reserved ids: an ordinary insert does not collide.
    later = Contract.objects.create(
        vendor=vendor, reference="C-later", title="t", effective_date=date(2025, 1, 1)
    )
    assert later.pk not in ids


def test_tuple_rows_with_fixed_columns():
    vendor = VendorFactory(slug="copy-vendor-2")
    loader = TableLoader(
        Vendor, now=NOW, columns=("name", "slug", "country", "timezone", "working_hours_start")
    )
    loader.add(("Tuple CX", "tuple-cx", "PT", "Europe/Lisbon", time(7, 0)))
    loader.flush()
    row = Vendor.objects.get(slug="tuple-cx")
    assert (row.name, row.working_hours_start, row.working_days) == ("Tuple CX", time(7), "12345")
    assert row.services == []
    assert vendor.pk != row.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and index rebuilds")
def test_bulk_load_keeps_indexes_and_rejects_dangling_keys():
    def index_names() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s",
                ["disputes_disputeevent"],
            )
            return {name for (name,) in cursor.fetchall()}

    before = index_names()
    vendor = VendorFactory(slug="copy-vendor-3")
    with bulk_load(Clause):
        TableLoader(Clause, now=NOW)  # nothing written: a no-op load
    dangling = {"dispute_id": 987_654_321, "vendor_id": vendor.pk, "kind": "comment"}
    with (
        pytest.raises(IntegrityError, match="point at rows that do not exist"),
        bulk_load(DisputeEvent),
    ):
        loader = TableLoader(DisputeEvent, now=NOW)
        loader.add(dangling)
        loader.flush()
    assert not DisputeEvent.objects.filter(vendor=vendor).exists()
    assert index_names() == before
    assert not Dispute.objects.filter(vendor=vendor).exists()
