"""``/api/v1/action-items/``: managers create; partners update their own only."""

from __future__ import annotations

import pytest

from meetings.models import ActionItem
from tests.meetings.factories import ActionItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/action-items/"


def test_manager_creates_an_item_for_a_partner(api_for, manager, partner_a, vendor_a):
    meeting = MeetingFactory(vendor=vendor_a)
    response = api_for(manager).post(
        URL,
        {
            "meeting": meeting.pk,
            "title": "Send the attrition plan",
            "owner": "partner_a",
            "side": "vendor",
            "due_date": "2025-07-01",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["vendor"] == "acme-contact"


def test_owner_of_another_vendor_is_a_field_error(api_for, manager, partner_b, vendor_a):
    meeting = MeetingFactory(vendor=vendor_a)
    response = api_for(manager).post(
        URL,
        {
            "meeting": meeting.pk,
            "title": "x",
            "owner": "partner_b",
            "side": "vendor",
            "due_date": "2025-07-01",
        },
    )
    assert response.status_code == 400
    assert "owner" in response.json()
    assert not ActionItem.objects.exists()


def test_partner_updates_own_item_status(api_for, partner_a, vendor_a):
    item = ActionItemFactory(meeting=MeetingFactory(vendor=vendor_a), owner=partner_a)
    response = api_for(partner_a).patch(f"{URL}{item.pk}/", {"status": "done", "notes": "Sent"})
    assert response.status_code == 200, response.json()
    item.refresh_from_db()
    assert (item.status, item.notes) == ("done", "Sent")


def test_partner_cannot_update_someone_elses_item(api_for, partner_a, vendor_a):
    item = ActionItemFactory(meeting=MeetingFactory(vendor=vendor_a), owner_name="Isabel")
    assert api_for(partner_a).patch(f"{URL}{item.pk}/", {"status": "done"}).status_code == 403
    item.refresh_from_db()
    assert item.status == "open"


def test_partner_of_other_vendor_gets_404_and_executive_403(
    api_for, partner_b, executive, vendor_a
):
    item = ActionItemFactory(meeting=MeetingFactory(vendor=vendor_a))
    assert api_for(partner_b).get(f"{URL}{item.pk}/").status_code == 404
    assert api_for(partner_b).patch(f"{URL}{item.pk}/", {"status": "done"}).status_code == 404
    assert api_for(executive).patch(f"{URL}{item.pk}/", {"status": "done"}).status_code == 403
    item.refresh_from_db()
    assert item.status == "open"


def test_list_has_a_bounded_number_of_queries(
    api_for, manager, partner_a, vendor_a, django_assert_max_num_queries
):
    meeting = MeetingFactory(vendor=vendor_a)
    for _ in range(6):
        ActionItemFactory(meeting=meeting, owner=partner_a)
    api = api_for(manager)
    with django_assert_max_num_queries(5):
        response = api.get(f"{URL}?overdue=false")
    assert response.json()["count"] == 6
