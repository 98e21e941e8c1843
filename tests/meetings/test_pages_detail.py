"""Meeting detail: agenda (with suggestions), attendance, minutes and actions via HTMX."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from disputes.models import Dispute
from meetings.models import ActionItem, AgendaItem
from tests.meetings.factories import (
    ActionItemFactory,
    AttendanceFactory,
    MeetingFactory,
    MeetingSeriesFactory,
)

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def meeting(vendor_a, manager):
    return MeetingFactory(
        vendor=vendor_a, organiser=manager, start=datetime(2030, 6, 11, 7, 0, tzinfo=UTC)
    )


def _dispute(vendor, severity, title):
    now = datetime.now(UTC)
    return Dispute.objects.create(
        reference=f"DSP-2030-{title[:4]}",
        vendor=vendor,
        type="underperformance",
        severity=severity,
        title=title,
        description="Facts.",
        response_due_at=now,
        resolution_started_at=now,
        resolution_due_at=now,
    )


def test_detail_shows_times_in_both_zones_and_warnings(client_for, partner_a, meeting):
    html = client_for(partner_a).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "15:00" in html  # 07:00 UTC in Manila, the partner's and the vendor's zone
    assert "Outside" not in html  # 09:00 Berlin / 15:00 Manila suits both sides


def test_detail_takes_a_bounded_number_of_queries(
    client_for, manager, meeting, django_assert_max_num_queries
):
    client = client_for(manager)
    for _ in range(5):
        AttendanceFactory(meeting=meeting)
        ActionItemFactory(meeting=meeting)
    with django_assert_max_num_queries(20):
        response = client.get(f"/meetings/{meeting.pk}/")
    assert response.status_code == 200


def test_partner_adds_an_agenda_point_with_htmx(client_for, partner_a, meeting):
    response = client_for(partner_a).post(
        f"/meetings/{meeting.pk}/agenda/", {"title": "Holiday staffing"}, **HX
    )
    assert response.status_code == 200
    assert 'id="agenda"' in response.content.decode()
    assert "Holiday staffing" in response.content.decode()
    assert AgendaItem.objects.get().added_by == partner_a


def test_empty_agenda_point_is_a_field_error(client_for, partner_a, meeting):
    response = client_for(partner_a).post(f"/meetings/{meeting.pk}/agenda/", {"title": ""}, **HX)
    assert "This field is required" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_suggestions_put_critical_disputes_first_and_add_in_one_click(
    client_for, manager, meeting, vendor_a, vendor_b
):
    high = _dispute(vendor_a, "high", "AHT creep")
    critical = _dispute(vendor_a, "critical", "Data leak")
    _dispute(vendor_a, "low", "Typo in report")
    _dispute(vendor_b, "critical", "Other vendor's problem")
    overdue = ActionItemFactory(meeting=meeting, due_date=date(2020, 1, 1), title="Send plan")
    client = client_for(manager)
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert html.index("Data leak") < html.index("AHT creep") < html.index("Overdue action: Send")
    assert "Typo in report" not in html and "Other vendor" not in html

    response = client.post(
        f"/meetings/{meeting.pk}/agenda/suggestion/", {"key": f"dispute:{critical.pk}"}, **HX
    )
    assert response.status_code == 200
    client.post(f"/meetings/{meeting.pk}/agenda/suggestion/", {"key": f"action:{overdue.pk}"})
    items = list(meeting.agenda_items.all())
    assert [(i.dispute, i.action_item) for i in items] == [(critical, None), (None, overdue)]
    assert high.pk  # still only a suggestion


def test_forged_suggestion_of_another_vendor_is_refused(client_for, manager, meeting, vendor_b):
    foreign = _dispute(vendor_b, "critical", "Foreign")
    client_for(manager).post(
        f"/meetings/{meeting.pk}/agenda/suggestion/", {"key": f"dispute:{foreign.pk}"}
    )
    assert not AgendaItem.objects.exists()


def test_partner_accepts_and_manager_records_attendance(client_for, partner_a, manager, meeting):
    response = client_for(partner_a).post(
        f"/meetings/{meeting.pk}/respond/", {"status": "accepted"}, **HX
    )
    assert "Accepted" in response.content.decode()
    row = meeting.attendances.get(user=partner_a)
    assert row.status == "accepted"

    client = client_for(manager)
    client.post(f"/meetings/{meeting.pk}/invite/", {"name": "Isabel Reyes", "side": "vendor"})
    guest = meeting.attendances.get(name="Isabel Reyes")
    client.post(
        f"/meetings/{meeting.pk}/attendance/", {f"a{row.pk}": "attended", f"a{guest.pk}": "absent"}
    )
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert meeting.attendances.get(pk=guest.pk).status == "absent"


def test_partner_cannot_record_attendance(client_for, partner_a, meeting):
    row = AttendanceFactory(meeting=meeting)
    response = client_for(partner_a).post(
        f"/meetings/{meeting.pk}/attendance/", {f"a{row.pk}": "attended"}
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.status == "invited"


def test_bad_attendance_status_changes_nothing(client_for, manager, meeting):
    row = AttendanceFactory(meeting=meeting)
    response = client_for(manager).post(
        f"/meetings/{meeting.pk}/attendance/", {f"a{row.pk}": "teleported"}, **HX
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    row.refresh_from_db()
    meeting.refresh_from_db()
    assert (row.status, meeting.status) == ("invited", "scheduled")


def test_manager_saves_minutes_and_adds_an_action(client_for, manager, partner_a, meeting):
    client = client_for(manager)
    response = client.post(
        f"/meetings/{meeting.pk}/minutes/", {"minutes": "Agreed: new IVR."}, **HX
    )
    assert "Agreed: new IVR." in response.content.decode()
    response = client.post(
        f"/meetings/{meeting.pk}/actions/",
        {"title": "Ship IVR", "owner": partner_a.pk, "side": "vendor", "due_date": "2030-07-01"},
        **HX,
    )
    assert "Ship IVR" in response.content.decode()
    assert ActionItem.objects.get().owner == partner_a


def test_action_for_wrong_side_is_a_field_error(client_for, manager, partner_a, meeting):
    response = client_for(manager).post(
        f"/meetings/{meeting.pk}/actions/",
        {"title": "x", "owner": partner_a.pk, "side": "client", "due_date": "2030-07-01"},
        **HX,
    )
    assert "vendor side" in response.content.decode()
    assert not ActionItem.objects.exists()


def test_partner_updates_own_action_status(client_for, partner_a, meeting):
    item = ActionItemFactory(meeting=meeting, owner=partner_a)
    response = client_for(partner_a).post(
        f"/meetings/actions/{item.pk}/status/", {"status": "done"}, **HX
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == "done"


def test_carried_over_actions_show_on_the_next_meeting(client_for, manager, vendor_a):
    series = MeetingSeriesFactory(vendor=vendor_a)
    now = datetime.now(UTC)
    first = MeetingFactory(vendor=vendor_a, series=series, start=now - timedelta(days=7))
    second = MeetingFactory(vendor=vendor_a, series=series, start=now + timedelta(days=1))
    ActionItemFactory(meeting=first, title="Rework the QA form")
    html = client_for(manager).get(f"/meetings/{second.pk}/").content.decode()
    assert "Carried over" in html
    assert "Rework the QA form" in html


def test_manager_moves_a_series_meeting_and_it_becomes_an_exception(client_for, manager, vendor_a):
    series = MeetingSeriesFactory(vendor=vendor_a)
    meeting = MeetingFactory(vendor=vendor_a, series=series)
    response = client_for(manager).post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "title": meeting.title,
            "start": "2030-06-12T10:00",
            "duration_minutes": 30,
            "status": "scheduled",
            "channel": "video",
            "channel_details": "",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_exception
    assert meeting.start == datetime(2030, 6, 12, 8, 0, tzinfo=UTC)  # manager is in Berlin


def test_edit_with_bad_input_changes_nothing(client_for, manager, meeting):
    response = client_for(manager).post(
        f"/meetings/{meeting.pk}/edit/", {"title": "", "start": "nope", "duration_minutes": 1}
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert "data-error-summary" in response.content.decode()
    old_title = meeting.title
    meeting.refresh_from_db()
    assert meeting.title == old_title
