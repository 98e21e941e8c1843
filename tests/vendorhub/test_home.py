"""Each role gets its own landing page; the partner's shows only its own vendor."""

from __future__ import annotations

import pytest

from tests.factories import NotificationFactory, VendorFactory

pytestmark = pytest.mark.django_db


def test_manager_home_shows_portfolio_and_owned_vendors(client_for, manager, vendor_a, vendor_b):
    vendor_a.relationship_owner = manager
    vendor_a.save()
    response = client_for(manager).get("/")
    body = response.content.decode()
    assert response.templates[0].name == "vendorhub/home_manager.html"
    assert "Relationships you own" in body
    assert "Acme Contact" in body
    assert response.context["vendor_total"] == 2


def test_executive_home_is_read_only_overview(client_for, executive, vendor_a):
    response = client_for(executive).get("/")
    body = response.content.decode()
    assert response.templates[0].name == "vendorhub/home_executive.html"
    assert "Outsourcing portfolio" in body
    assert "New vendor" not in body


def test_partner_home_is_the_portal_of_its_own_vendor(client_for, partner_a, vendor_b):
    response = client_for(partner_a).get("/")
    body = response.content.decode()
    assert response.templates[0].name == "vendorhub/home_partner.html"
    assert "Acme Contact · partner portal" in body
    assert "Borealis" not in body
    assert "Vendors</a>" not in body  # no cross-vendor list in the partner's navigation


def test_home_shows_own_unread_notifications_only(client_for, manager, executive):
    NotificationFactory(recipient=manager, message="Dispute DSP-2026-0001 is overdue")
    NotificationFactory(recipient=executive, message="Executive only")
    body = client_for(manager).get("/").content.decode()
    assert "DSP-2026-0001 is overdue" in body
    assert "Executive only" not in body
    assert 'class="bell-count">1<' in body


@pytest.mark.parametrize("who", ["manager", "executive", "partner_a"])
def test_home_query_count_does_not_grow_with_vendors(
    request, client_for, django_assert_max_num_queries, who
):
    user = request.getfixturevalue(who)
    client = client_for(user)
    client.get("/")
    for n in range(15):
        VendorFactory(slug=f"bulk-{n}", status="probation")
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200
