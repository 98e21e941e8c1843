"""Each role gets its own landing page; the partner's shows only its own vendor."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.contracts.factories import ContractFactory
from tests.disputes.factories import make_dispute
from tests.factories import NotificationFactory, VendorFactory
from tests.meetings.factories import ActionItemFactory, MeetingFactory

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


def fill_portfolio(manager, vendors):
    """Overdue disputes, meetings, overdue actions and near notice deadlines per vendor."""
    long_ago = timezone.now() - timedelta(days=30)
    for vendor in vendors:
        make_dispute(vendor=vendor, by=manager, severity="high", now=long_ago)
        meeting = MeetingFactory(vendor=vendor, start=timezone.now() + timedelta(days=2))
        ActionItemFactory(meeting=meeting, side="vendor", due_date=date.today() - timedelta(days=3))
        ContractFactory(vendor=vendor, end_date=date.today() + timedelta(days=120))


@pytest.mark.parametrize("who", ["manager", "executive", "partner_a"])
def test_home_query_count_does_not_grow(
    request, client_for, manager, vendor_a, django_assert_max_num_queries, who
):
    user = request.getfixturevalue(who)
    client = client_for(user)
    fill_portfolio(manager, [vendor_a])
    client.get("/")
    fill_portfolio(manager, [vendor_a] + [VendorFactory(slug=f"bulk-{n}") for n in range(8)])
    with django_assert_max_num_queries(22):
        response = client.get("/")
    assert response.status_code == 200
    assert len(response.context["urgent_disputes"]) <= 6


def test_partner_home_lists_only_its_own_vendors_work(
    client_for, manager, partner_a, vendor_a, vendor_b
):
    fill_portfolio(manager, [vendor_a, vendor_b])
    from disputes import services
    from disputes.models import Dispute

    for dispute in Dispute.objects.all():
        services.dispute_transition(dispute=dispute, to="awaiting_vendor", by=manager, note="")
    context = client_for(partner_a).get("/").context
    assert {d.vendor for d in context["awaiting_vendor"]} == {vendor_a}
    assert {m.vendor for m in context["next_meetings"]} == {vendor_a}
    assert {a.vendor for a in context["overdue_actions"]} == {vendor_a}
    assert context["open_disputes"] == 1


def test_manager_home_shows_overdue_disputes_and_notice_deadlines(client_for, manager, vendor_a):
    fill_portfolio(manager, [vendor_a])
    body = client_for(manager).get("/").content.decode()
    assert "Overdue disputes, most urgent first" in body
    assert "DSP-" in body
    assert "MSA-" in body  # the contract whose notice deadline is near
