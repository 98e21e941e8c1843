"""Query counts of the busiest pages do not grow with the data (issue 14).

Each page is requested at two data sizes; the larger must not cost one query more.
(``tests/vendorhub/test_home.py`` holds a fixed upper bound; this pins "no growth",
which catches an N+1 a generous bound hides: the owner of each of "my vendors".)
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import VendorFactory
from tests.vendorhub.test_home import fill_portfolio

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["manager", "executive", "partner_a"])
def test_home_costs_the_same_queries_at_two_sizes(request, client_for, manager, vendor_a, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    vendor_a.relationship_owner = manager
    vendor_a.save()
    fill_portfolio(manager, [vendor_a])
    small = queries(client, "/")
    more = [VendorFactory(slug=f"lean-{n}", relationship_owner=manager) for n in range(8)]
    fill_portfolio(manager, [vendor_a, *more])
    response = client.get("/")
    if who == "manager":
        assert len(response.context["my_vendors"]) == 9
    assert queries(client, "/") == small


def test_lean_select_writes_the_html_django_would(vendor_a, vendor_b):
    from django import forms
    from django.test.html import parse_html

    from vendorhub.formtools import LeanSelect
    from vendorhub.models import Vendor

    vendor_b.name = 'Borealis <CX> & "Co"'
    vendor_b.save()

    def field(widget):
        return forms.ModelChoiceField(
            queryset=Vendor.objects.order_by("name"),
            to_field_name="slug",
            required=False,
            empty_label="All",
            widget=widget,
        )

    class Plain(forms.Form):
        vendor = field(forms.Select(attrs={"class": "x", "hx-get": "/a?b=1&c=2"}))

    class Lean(forms.Form):
        vendor = field(LeanSelect(attrs={"class": "x", "hx-get": "/a?b=1&c=2"}))

    for data in ({}, {"vendor": vendor_b.slug}, {"vendor": "nope"}):
        plain, lean = str(Plain(data)["vendor"]), str(Lean(data)["vendor"])
        assert parse_html(lean) == parse_html(plain), (lean, plain)
    assert "&lt;CX&gt; &amp; &quot;Co&quot;" in str(Lean({})["vendor"])


@pytest.mark.parametrize(
    "url", ["/disputes/", "/contracts/clauses/search/?q=service", "/contracts/"]
)
def test_filtered_lists_cost_the_same_queries_at_two_sizes(client_for, manager, vendor_a, url):
    from tests.contracts.factories import ContractFactory
    from tests.disputes.factories import make_dispute

    ContractFactory(vendor=vendor_a)
    make_dispute(vendor=vendor_a, by=manager)
    client = client_for(manager)
    small = queries(client, url)
    for n in range(6):
        vendor = VendorFactory(slug=f"list-{n}")
        ContractFactory(vendor=vendor)
        make_dispute(vendor=vendor, by=manager)
    assert queries(client, url) == small


def test_needs_attention_follows_the_stored_severity_order(client_for, manager, vendor_a):
    """The database keeps ``severity_order`` in step with every change of severity."""
    from datetime import timedelta

    from django.utils import timezone

    from disputes.models import Dispute
    from tests.disputes.factories import make_dispute

    long_ago = timezone.now() - timedelta(days=30)
    made = {
        severity: make_dispute(vendor=vendor_a, by=manager, severity=severity, now=long_ago)
        for severity in ("low", "critical", "medium", "high")
    }
    assert {d.severity: d.severity_order for d in Dispute.objects.all()} == {
        "critical": 0,
        "high": 1,
        "medium": 2,
        "low": 3,
    }
    Dispute.objects.filter(pk=made["low"].pk).update(severity="critical")
    assert Dispute.objects.get(pk=made["low"].pk).severity_order == 0
    urgent = client_for(manager).get("/").context["urgent_disputes"]
    assert [d.severity for d in urgent] == ["critical", "critical", "high", "medium"]
