"""The vendor's own voice (issue 12). Reproductions that must stay fixed:

- a dispute raised by the partner was run as if the vendor were at fault: the partner
  was asked for a "vendor's response" to its own complaint, the client owner stayed
  empty and the manager could only "ask the vendor" or escalate;
- the partner's dispute page showed "Mark vendor responded" as the main button above
  the response form, and labelled its own note "(shared with the vendor)".
"""

from __future__ import annotations

import pytest

from disputes import services
from disputes.models import DisputeEvent
from tests.actionplans.factories import make_plan
from tests.disputes.factories import make_dispute
from vendorhub.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def raised_by_vendor(partner_a, vendor_a):
    return make_dispute(
        vendor=vendor_a, by=partner_a, type="miscommunication", title="Forecast sent two days late"
    )


def _respond(client, dispute, **data):
    dispute.refresh_from_db()
    return client.post(
        f"/disputes/{dispute.reference}/respond/", {"version": dispute.version, **data}
    )


def _move(client, dispute, to):
    dispute.refresh_from_db()
    return client.post(
        f"/disputes/{dispute.reference}/transition/", {"to": to, "version": dispute.version}
    )


def test_partner_is_not_asked_to_answer_its_own_dispute(client_for, raised_by_vendor, partner_a):
    page = client_for(partner_a).get(raised_by_vendor.get_absolute_url()).content.decode()
    assert "Send response" not in page and "Vendor's response" not in page
    assert "Mark vendor responded" not in page
    assert "the client answers it" in page
    response = _respond(client_for(partner_a), raised_by_vendor, body="We reply to ourselves")
    assert response.status_code == 403


def test_client_takes_it_up_and_becomes_its_owner(client_for, raised_by_vendor, manager):
    assert raised_by_vendor.owner is None
    page = client_for(manager).get(raised_by_vendor.get_absolute_url()).content.decode()
    assert "Take it up: the client reviews" in page
    assert "Ask the vendor for more information" in page
    assert _move(client_for(manager), raised_by_vendor, "under_review").status_code == 302
    raised_by_vendor.refresh_from_db()
    assert (raised_by_vendor.status, raised_by_vendor.owner) == ("under_review", manager)
    last = DisputeEvent.objects.filter(dispute=raised_by_vendor, kind="status").last()
    assert f"Client owner: {manager}" in last.body


def test_client_answers_and_the_vendor_acknowledges(
    client_for, raised_by_vendor, manager, partner_a, executive
):
    client = client_for(manager)
    _move(client, raised_by_vendor, "under_review")
    page = client.get(raised_by_vendor.get_absolute_url()).content.decode()
    assert "Send the client&#x27;s answer" in page or "Send the client's answer" in page
    response = _respond(client, raised_by_vendor, body="We now send it every Monday.")
    assert response.status_code == 302
    answer = DisputeEvent.objects.get(dispute=raised_by_vendor, kind="response")
    assert (answer.author, answer.author_side, answer.internal) == (manager, "client", False)
    assert Notification.objects.filter(
        recipient=partner_a, kind="dispute_client_responded"
    ).exists()
    assert _respond(client_for(executive), raised_by_vendor, body="x").status_code == 403
    assert _move(client_for(manager), raised_by_vendor, "resolved").status_code == 302
    page = client_for(partner_a).get(raised_by_vendor.get_absolute_url()).content.decode()
    assert "Client&#x27;s answer" in page or "Client's answer" in page
    assert "Acknowledge the client" in page
    assert _move(client_for(partner_a), raised_by_vendor, "closed").status_code == 302
    raised_by_vendor.refresh_from_db()
    assert raised_by_vendor.status == "closed"


def test_partner_cannot_close_a_clients_dispute(client_for, dispute_a, manager, partner_a):
    services.dispute_respond(
        dispute=dispute_a,
        by=partner_a,
        body="Rota error",
        root_cause="Rota",
        action_plan="Fix the rota",
    )
    for to in ("under_review", "resolved"):
        _move(client_for(manager), dispute_a, to)
    assert _move(client_for(partner_a), dispute_a, "closed").status_code == 403


def test_partner_page_puts_the_response_form_first_with_honest_labels(
    client_for, dispute_a, partner_a, manager
):
    page = client_for(partner_a).get(dispute_a.get_absolute_url()).content.decode()
    assert "Mark vendor responded" not in page
    assert "shared with the vendor" not in page
    assert "the client sees it" in page
    assert page.index('class="respond-form"') < page.index('id="timeline"')
    assert page.index('class="respond-form"') < page.index("<h2>Facts</h2>")
    manager_page = client_for(manager).get(dispute_a.get_absolute_url()).content.decode()
    assert "shared with the vendor" in manager_page


def test_root_cause_and_plan_are_required_to_answer_underperformance(
    client_for, dispute_a, partner_a, vendor_a
):
    response = _respond(client_for(partner_a), dispute_a, body="Sorry")
    assert response.status_code == 400
    errors = response.context["respond_form"].errors
    assert "root_cause" in errors and "action_plan" in errors
    dispute_a.refresh_from_db()
    assert dispute_a.status == "awaiting_vendor"
    # A structured action plan answering the dispute counts as the plan.
    make_plan(vendor=vendor_a, by=partner_a, dispute=dispute_a)
    response = _respond(client_for(partner_a), dispute_a, body="Sorry", root_cause="Rota")
    assert response.status_code == 302
    dispute_a.refresh_from_db()
    assert dispute_a.status == "vendor_responded"


def test_other_types_need_only_a_reply(client_for, manager, partner_a, vendor_a):
    dispute = make_dispute(vendor=vendor_a, by=manager, type="pricing", title="Surcharge")
    services.dispute_transition(dispute=dispute, to="awaiting_vendor", by=manager)
    assert (
        _respond(client_for(partner_a), dispute, body="It is in the rate card").status_code == 302
    )
