"""One rule for "may act for this vendor" (``vendorhub.access``): managers for every
vendor, a partner for its own, executives for none — the same answer in templates,
pages, the API and notifications."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from contracts.models import ScopeChange
from disputes.models import Dispute
from tests.contracts.factories import ContractFactory
from tests.disputes.factories import make_dispute
from tests.factories import UserFactory
from vendorhub.models import Notification, Role
from vendorhub.notifications import notify

pytestmark = pytest.mark.django_db

FILTERS = Template(
    "{% load access_tags %}"
    "{% if user|acts_for:vendor %}acts{% endif %}|"
    "{% if user|speaks_for:vendor %}speaks{% endif %}|"
    "{% if user|may_see:vendor %}sees{% endif %}"
)


def _filters(user, vendor) -> str:
    return FILTERS.render(Context({"user": user, "vendor": vendor}))


def test_template_filters_for_every_role(manager, executive, partner_a, partner_b, vendor_a):
    inactive = UserFactory(username="gone", role=Role.MANAGER, is_active=False)
    assert _filters(manager, vendor_a) == "acts||sees"
    assert _filters(executive, vendor_a) == "||sees"
    assert _filters(partner_a, vendor_a) == "acts|speaks|sees"
    assert _filters(partner_b, vendor_a) == "||"
    assert _filters(inactive, vendor_a) == "||"
    assert _filters(partner_a, vendor_a.pk) == "acts|speaks|sees"  # a vendor id works too


def test_vendor_page_offers_raising_a_dispute_to_those_who_may(
    client_for, manager, executive, partner_a, partner_b, vendor_a
):
    url = f"/vendors/{vendor_a.slug}/"
    raise_link = f"/disputes/new/?vendor={vendor_a.slug}"
    assert raise_link in client_for(manager).get(url).content.decode()
    assert raise_link in client_for(partner_a).get(url).content.decode()
    assert raise_link not in client_for(executive).get(url).content.decode()
    assert client_for(partner_b).get(url).status_code == 404


def test_dispute_page_shows_the_comment_form_to_those_who_may_write(
    client_for, manager, executive, partner_a, vendor_a
):
    dispute = make_dispute(vendor=vendor_a, by=manager)
    url = dispute.get_absolute_url()
    form = f'action="/disputes/{dispute.reference}/comment/"'
    assert form in client_for(partner_a).get(url).content.decode()
    assert form not in client_for(executive).get(url).content.decode()
    assert client_for(executive).post(url + "comment/", {"body": "x"}).status_code == 403


def test_raising_a_dispute_follows_the_rule(api_for, executive, partner_a, partner_b, vendor_a):
    body = {
        "vendor": vendor_a.slug,
        "type": "miscommunication",
        "severity": "low",
        "title": "Weekly call skipped twice",
        "description": "No call on 3 and 10 March.",
    }
    assert api_for(partner_a).post("/api/v1/disputes/", body, format="json").status_code == 201
    assert api_for(executive).post("/api/v1/disputes/", body, format="json").status_code == 403
    # Another vendor's slug is "no such vendor" for partner B: a field error, no dispute.
    refused = api_for(partner_b).post("/api/v1/disputes/", body, format="json")
    assert refused.status_code == 400 and "vendor" in refused.json()
    assert Dispute.objects.count() == 1


def test_scope_change_proposals_follow_the_rule(
    client_for, manager, executive, partner_a, partner_b, vendor_a
):
    contract = ContractFactory(vendor=vendor_a)
    url = f"/contracts/{contract.pk}/scope-changes/new/"
    body = {"title": "Weekend chat", "description": "Cover Saturdays.", "price_impact": "100"}
    assert client_for(partner_a).post(url, body).status_code == 302
    assert client_for(executive).post(url, body).status_code == 403
    assert client_for(partner_b).post(url, body).status_code == 404
    assert ScopeChange.objects.count() == 1


def test_notifications_reach_only_people_who_may_see_the_vendor(
    manager, executive, partner_a, partner_b, vendor_a
):
    notify(
        recipients=[manager, executive, partner_a, partner_b],
        kind="test",
        message="About vendor A",
        vendor=vendor_a,
    )
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"manager", "executive", "partner_a"}
