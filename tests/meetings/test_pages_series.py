"""Series set-up in the browser form, and the slot suggester page."""

from __future__ import annotations

import pytest

from meetings.models import MeetingSeries

pytestmark = pytest.mark.django_db


def _form(vendor, **overrides):
    return {
        "vendor": vendor.pk,
        "title": "Weekly ops",
        "kind": "weekly_ops",
        "rrule": "FREQ=WEEKLY;BYDAY=WE",
        "starts_on": "2026-01-01",
        "start_time": "09:00",
        "timezone": "Europe/Berlin",
        "duration_minutes": 45,
        "channel": "video",
        "channel_details": "https://meet.example/x",
        "is_active": "on",
        **overrides,
    }


def test_manager_sets_up_a_series_and_meetings_are_planned(client_for, manager, vendor_a):
    response = client_for(manager).post("/meetings/series/new/", _form(vendor_a))
    assert response.status_code == 302
    series = MeetingSeries.objects.get()
    assert series.owner == manager
    assert series.meetings.count() >= 12


def test_invalid_rrule_shows_a_field_error_and_saves_nothing(client_for, manager, vendor_a):
    response = client_for(manager).post(
        "/meetings/series/new/", _form(vendor_a, rrule="FREQ=WEEKLY;BYDAY=XX")
    )
    assert response.status_code == 200
    assert "Not a valid RRULE" in response.content.decode()
    assert not MeetingSeries.objects.exists()


def test_slot_suggester_lists_fair_times(client_for, manager, vendor_a):
    response = client_for(manager).get(
        "/meetings/slots/",
        {
            "vendor": "acme-contact",
            "week": "2025-06-11",
            "duration_minutes": 60,
            "client_timezone": "Europe/Berlin",
        },
    )
    html = response.content.decode()
    assert "Monday 9 Jun" in html
    assert "09:00" in html and "= 15:00" in html
