"""``/api/v1/meeting-series/``: public fields, generation on save, field errors."""

from __future__ import annotations

import pytest

from meetings.models import MeetingSeries
from tests.meetings.factories import MeetingSeriesFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/meeting-series/"


def _payload(**overrides):
    return {
        "vendor": "acme-contact",
        "title": "Weekly ops",
        "kind": "weekly_ops",
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "start_time": "10:00",
        "timezone": "Asia/Manila",
        "duration_minutes": 45,
        "channel": "video",
        "channel_details": "https://meet.example/ops",
        **overrides,
    }


def test_manager_creates_a_series_and_its_meetings_are_generated(api_for, manager, vendor_a):
    response = api_for(manager).post(URL, _payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["vendor"] == "acme-contact"
    assert body["owner"] == "manager"
    series = MeetingSeries.objects.get(pk=body["id"])
    assert series.meetings.count() >= 12  # ~13 Tuesdays in the 90 days ahead
    assert {m.vendor_local_start().hour for m in series.meetings.all()} == {10}


@pytest.mark.parametrize(
    ("field", "value"),
    [("rrule", "FREQ=SOMETIMES"), ("rrule", "BYDAY=TU"), ("timezone", "Mars/Olympus")],
)
def test_invalid_rule_or_time_zone_is_a_field_error(api_for, manager, vendor_a, field, value):
    response = api_for(manager).post(URL, _payload(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not MeetingSeries.objects.exists()


def test_executive_cannot_create_or_edit(api_for, executive, vendor_a):
    series = MeetingSeriesFactory(vendor=vendor_a)
    api = api_for(executive)
    assert api.post(URL, _payload(), format="json").status_code == 403
    assert api.patch(f"{URL}{series.pk}/", {"title": "x"}, format="json").status_code == 403
    series.refresh_from_db()
    assert series.title != "x"


def test_partner_sees_own_vendors_series_only(api_for, partner_a, vendor_a, vendor_b):
    own = MeetingSeriesFactory(vendor=vendor_a)
    other = MeetingSeriesFactory(vendor=vendor_b)
    api = api_for(partner_a)
    assert [row["id"] for row in api.get(URL).json()["results"]] == [own.pk]
    assert api.get(f"{URL}{other.pk}/").status_code == 404
    # Another vendor's series is not there for them (404, as for a made-up id); their
    # own vendor's is, and their role may not edit it (403).
    assert api.patch(f"{URL}{other.pk}/", {"title": "x"}, format="json").status_code == 404
    assert api.patch(f"{URL}999999/", {"title": "x"}, format="json").status_code == 404
    assert api.patch(f"{URL}{own.pk}/", {"title": "x"}, format="json").status_code == 403
    assert api.post(URL, _payload(), format="json").status_code == 403
    other.refresh_from_db()
    own.refresh_from_db()
    assert other.title != "x" and own.title != "x"


def test_series_list_has_a_bounded_number_of_queries(
    api_for, manager, vendor_a, vendor_b, django_assert_max_num_queries
):
    for vendor in (vendor_a, vendor_b) * 4:
        MeetingSeriesFactory(vendor=vendor, owner=manager)
    api = api_for(manager)
    with django_assert_max_num_queries(6):
        response = api.get(URL)
    assert response.json()["count"] == 8
