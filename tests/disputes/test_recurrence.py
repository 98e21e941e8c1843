"""Similar disputes and the recurring flag (3+ in 90 days)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.contracts.factories import ClauseFactory, ContractFactory
from tests.disputes.factories import make_dispute


def test_three_similar_in_90_days_mark_the_cluster_recurring(manager, vendor_a):
    clause = ClauseFactory(contract=ContractFactory(vendor=vendor_a))
    now = timezone.now()
    first = make_dispute(
        vendor=vendor_a, by=manager, type="breach", clause=clause, now=now - timedelta(days=60)
    )
    second = make_dispute(
        vendor=vendor_a, by=manager, type="breach", clause=clause, now=now - timedelta(days=30)
    )
    assert not second.is_recurring
    third = make_dispute(vendor=vendor_a, by=manager, type="breach", clause=clause, now=now)
    assert third.is_recurring
    first.refresh_from_db()
    assert first.is_recurring


def test_other_clause_type_or_vendor_is_not_similar(manager, vendor_a, vendor_b):
    contract = ContractFactory(vendor=vendor_a)
    c1, c2 = ClauseFactory(contract=contract), ClauseFactory(contract=contract)
    make_dispute(vendor=vendor_a, by=manager, type="breach", clause=c1)
    make_dispute(vendor=vendor_a, by=manager, type="breach", clause=c2)
    make_dispute(vendor=vendor_b, by=manager, type="pricing")
    third = make_dispute(vendor=vendor_a, by=manager, type="breach", clause=c1)
    assert not third.is_recurring


def test_old_disputes_do_not_count(manager, vendor_a):
    now = timezone.now()
    for days in (200, 150):
        make_dispute(vendor=vendor_a, by=manager, type="pricing", now=now - timedelta(days=days))
    latest = make_dispute(vendor=vendor_a, by=manager, type="pricing", now=now)
    assert not latest.is_recurring


def test_detail_page_lists_similar_disputes(manager, vendor_a, client_for):
    older = make_dispute(vendor=vendor_a, by=manager, type="pricing", title="Invoice Jan")
    newer = make_dispute(vendor=vendor_a, by=manager, type="pricing", title="Invoice Feb")
    html = client_for(manager).get(newer.get_absolute_url()).content.decode()
    assert older.reference in html


def test_create_form_hint_shows_similar(manager, vendor_a, client_for):
    older = make_dispute(vendor=vendor_a, by=manager, type="pricing", title="Invoice Jan")
    response = client_for(manager).get(
        f"/disputes/similar/?vendor={vendor_a.slug}&type=pricing", headers={"HX-Request": "true"}
    )
    assert older.reference in response.content.decode()
