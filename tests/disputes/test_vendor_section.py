"""The vendor page's dispute section."""

from __future__ import annotations

from django.template import Context, Template

from tests.disputes.factories import make_dispute


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
