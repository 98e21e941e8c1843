"""Writes to one object through the API: outside the caller's scope is 404, like a
made-up id (existence is not leaked); inside the scope, a role that may only read is 403.

The routes come from the API router, so an endpoint added later is covered (or fails
the suite until it is given an object below).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from actionplans.services import milestone_add
from disputes.models import Dispute
from scorecards.models import ServiceCredit
from tests.actionplans.factories import make_plan
from tests.contracts.factories import ClauseFactory, ContractFactory, ScopeChangeFactory
from tests.disputes.factories import make_dispute
from tests.factories import NotificationFactory
from tests.meetings.factories import ActionItemFactory, MeetingFactory, MeetingSeriesFactory
from tests.scorecards.factories import MeasurementFactory, TargetFactory
from vendorhub.urls import router

pytestmark = pytest.mark.django_db

UNSAFE = ("post", "put", "patch")
#: Shared reference data every role may read: not vendor-owned, so no 404 to expect.
SHARED = {"kpi"}
#: The reply a made-up object gets; a foreign one must get exactly the same.
MADE_UP = {"pk": "999999", "slug": "no-such-vendor"}


def _write_routes() -> list[tuple[str, str, str, str]]:
    """(basename, method, url template with {lookup}, action) for every object write."""
    routes = []
    for prefix, viewset, basename in router.registry:
        if hasattr(viewset, "update"):
            for method in ("put", "patch"):
                action = "update" if method == "put" else "partial_update"
                routes.append((basename, method, f"/api/v1/{prefix}/{{lookup}}/", action))
        for extra in viewset.get_extra_actions():
            if not extra.detail:
                continue
            for method, action in extra.mapping.items():
                if method in UNSAFE:
                    # A nested object's id (``milestones/(?P<milestone_id>...)``): {sub}.
                    path = re.sub(r"\(\?P<\w+>[^)]*\)", "{sub}", extra.url_path)
                    url = f"/api/v1/{prefix}/{{lookup}}/{path}/"
                    routes.append((basename, method, url, action))
    return routes


ROUTES = _write_routes()


@pytest.fixture
def objects_of_vendor_a(vendor_a, manager, partner_a):
    """One object of vendor A behind every object route, with its lookup value."""
    contract = ContractFactory(vendor=vendor_a)
    meeting = MeetingFactory(vendor=vendor_a)
    dispute: Dispute = make_dispute(vendor=vendor_a, by=manager)
    plan = make_plan(vendor=vendor_a, by=partner_a)
    step = milestone_add(plan=plan, by=partner_a, title="Hire", due_date=plan.due_date)
    return {
        "actionplan": plan.pk,
        "actionplan.sub": step.pk,
        "vendor": vendor_a.slug,
        "contract": contract.pk,
        "clause": ClauseFactory(contract=contract).pk,
        "scopechange": ScopeChangeFactory(contract=contract).pk,
        "meetingseries": MeetingSeriesFactory(vendor=vendor_a).pk,
        "meeting": meeting.pk,
        "actionitem": ActionItemFactory(meeting=meeting).pk,
        "dispute": dispute.pk,
        "target": TargetFactory(vendor=vendor_a).pk,
        "measurement": MeasurementFactory(vendor=vendor_a).pk,
        "notification": NotificationFactory(recipient=partner_a, vendor=vendor_a).pk,
        "credit": ServiceCredit.objects.create(
            vendor=vendor_a,
            contract=contract,
            period_start=date(2025, 3, 1),
            currency="USD",
            at_risk=Decimal("10000.00"),
            before_cap=Decimal("5000.00"),
            earned=Decimal("5000.00"),
        ).pk,
    }


def test_every_object_write_route_is_classified(objects_of_vendor_a):
    basenames = {basename for basename, *_ in ROUTES}
    assert basenames - SHARED <= set(objects_of_vendor_a), "give the new route an object"
    nested = {basename for basename, _m, url, _a in ROUTES if "{sub}" in url}
    assert {f"{b}.sub" for b in nested} <= set(objects_of_vendor_a), "and its nested object"
    assert len(ROUTES) >= 20  # PUT/PATCH on every model, and the POST actions


@pytest.mark.parametrize(("basename", "method", "url", "action"), ROUTES)
def test_partner_of_another_vendor_gets_404_like_a_made_up_id(
    basename, method, url, action, objects_of_vendor_a, api_for, partner_b
):
    if basename in SHARED:
        pytest.skip("shared reference data: readable by every role")
    api = api_for(partner_b)
    lookup = objects_of_vendor_a[basename]
    sub = objects_of_vendor_a.get(f"{basename}.sub", "")
    foreign = getattr(api, method)(url.format(lookup=lookup, sub=sub), {"x": "1"}, format="json")
    made_up_id = MADE_UP["slug"] if basename == "vendor" else MADE_UP["pk"]
    made_up = getattr(api, method)(
        url.format(lookup=made_up_id, sub=sub), {"x": "1"}, format="json"
    )
    assert foreign.status_code == 404, (method, url, foreign.content)
    assert foreign.json() == made_up.json()
    assert b"acme" not in foreign.content.lower()


@pytest.mark.parametrize(("basename", "method", "url", "action"), ROUTES)
def test_read_only_role_in_scope_gets_403(
    basename, method, url, action, objects_of_vendor_a, api_for, executive, partner_a
):
    if basename == "notification":
        pytest.skip("a notification is its recipient's alone: covered below")
    lookup = objects_of_vendor_a.get(basename, "service_level")
    sub = objects_of_vendor_a.get(f"{basename}.sub", "")
    response = getattr(api_for(executive), method)(
        url.format(lookup=lookup, sub=sub), {"x": "1"}, format="json"
    )
    assert response.status_code == 403, (method, url, response.content)


def test_partner_in_scope_gets_403_on_manager_only_writes(objects_of_vendor_a, api_for, partner_a):
    api = api_for(partner_a)
    refused = 0
    for basename, method, url, action in ROUTES:
        viewset = dict((b, v) for _p, v, b in router.registry)[basename]
        if action in (*viewset.partner_write_actions, *viewset.any_role_write_actions):
            continue
        lookup = objects_of_vendor_a.get(basename, "service_level")
        sub = objects_of_vendor_a.get(f"{basename}.sub", "")
        response = getattr(api, method)(
            url.format(lookup=lookup, sub=sub), {"x": "1"}, format="json"
        )
        assert response.status_code == 403, (method, url, response.content)
        refused += 1
    assert refused >= 15


def test_someone_elses_notification_is_404_even_to_a_manager(objects_of_vendor_a, api_for, manager):
    pk = objects_of_vendor_a["notification"]
    assert api_for(manager).post(f"/api/v1/notifications/{pk}/read/").status_code == 404
