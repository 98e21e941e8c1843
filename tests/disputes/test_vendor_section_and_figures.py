"""The vendor page's dispute section and the figures scorecards read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.template import Context, Template

from disputes import services
from disputes.services import relationship_figures
from tests.disputes.factories import make_dispute, move


def _section(vendor, user) -> str:
    # The tag the vendor page includes; rendered alone so other sections do not interfere.
    return Template("{% load disputes_tags %}{% vendor_disputes vendor user %}").render(
        Context({"vendor": vendor, "user": user})
    )


def test_vendor_section_lists_open_disputes_with_bounded_queries(
    manager, vendor_a, django_assert_max_num_queries
):
    make_dispute(vendor=vendor_a, by=manager, title="First")
    with django_assert_max_num_queries(3) as small:
        _section(vendor_a, manager)
    for i in range(8):
        make_dispute(vendor=vendor_a, by=manager, title=f"More {i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = _section(vendor_a, manager)
    assert "Open disputes" in html and "More 7" in html


def test_vendor_section_of_partner_shows_only_their_disputes(manager, partner_a, vendor_a):
    make_dispute(vendor=vendor_a, by=manager, title="Ours")
    assert "Ours" in _section(vendor_a, partner_a)


def test_relationship_figures(manager, vendor_a, vendor_b):
    t0 = datetime(2025, 5, 1, tzinfo=UTC)
    d = make_dispute(vendor=vendor_a, by=manager, now=t0)
    make_dispute(vendor=vendor_a, by=manager, now=t0 + timedelta(days=3))
    move(d, manager, "awaiting_vendor", "vendor_responded", "under_review")
    services.dispute_transition(dispute=d, to="resolved", by=manager, now=t0 + timedelta(days=4))
    figures = relationship_figures([vendor_a.pk, vendor_b.pk], t0, t0 + timedelta(days=31))
    assert figures[vendor_a.pk] == {"opened": 2, "resolved": 1, "median_days_to_resolve": 4.0}
    assert figures[vendor_b.pk] == {"opened": 0, "resolved": 0, "median_days_to_resolve": None}
