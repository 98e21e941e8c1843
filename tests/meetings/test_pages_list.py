"""The meetings list: filters, isolation, times in both zones, bounded queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.meetings.factories import MeetingFactory, MeetingSeriesFactory

pytestmark = pytest.mark.django_db


def test_partner_sees_only_own_vendors_meetings_in_own_time(
    client_for, partner_a, vendor_a, vendor_b
):
    start = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0) + timedelta(days=2)
    MeetingFactory(vendor=vendor_a, title="Acme weekly", start=start)
    MeetingFactory(vendor=vendor_b, title="Borealis weekly", start=start)
    html = client_for(partner_a).get("/meetings/").content.decode()
    assert "Acme weekly" in html
    assert "Borealis weekly" not in html
    assert "10:00" in html  # 02:00 UTC is 10:00 in Manila, the partner's zone


def test_filters_by_vendor_and_past(client_for, manager, vendor_a, vendor_b):
    now = datetime.now(UTC)
    MeetingFactory(vendor=vendor_a, title="Future A", start=now + timedelta(days=1))
    MeetingFactory(vendor=vendor_a, title="Past A", start=now - timedelta(days=3), status="held")
    MeetingFactory(vendor=vendor_b, title="Future B", start=now + timedelta(days=1))
    client = client_for(manager)
    html = client.get("/meetings/", {"vendor": "acme-contact"}).content.decode()
    assert "Future A" in html and "Future B" not in html and "Past A" not in html
    past = client.get("/meetings/", {"when": "past"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Past A" in past and "Future A" not in past
    assert "<html" not in past  # the HTMX answer is the results fragment only


def test_bad_filter_value_is_not_an_error(client_for, manager):
    response = client_for(manager).get("/meetings/", {"vendor": "nope", "status": "??"})
    assert response.status_code == 200


def test_list_has_a_bounded_number_of_queries(
    client_for, manager, vendor_a, vendor_b, django_assert_max_num_queries
):
    client = client_for(manager)
    series = MeetingSeriesFactory(vendor=vendor_a, owner=manager)
    for index in range(8):
        MeetingFactory(
            vendor=(vendor_a, vendor_b)[index % 2],
            series=series if index % 2 == 0 else None,
            start=datetime.now(UTC) + timedelta(days=index + 1),
        )
    with django_assert_max_num_queries(10):
        response = client.get("/meetings/")
    assert response.content.decode().count("<tr>") == 9  # header + 8 rows


def test_series_list_and_detail_render(
    client_for, manager, vendor_a, django_assert_max_num_queries
):
    client = client_for(manager)
    for _ in range(4):
        MeetingSeriesFactory(vendor=vendor_a, owner=manager)
    series = MeetingSeriesFactory(vendor=vendor_a, title="QBR", standing_agenda="KPIs\nStaffing")
    with django_assert_max_num_queries(8):
        html = client.get("/meetings/series/").content.decode()
    assert "QBR" in html
    detail = client.get(f"/meetings/series/{series.pk}/").content.decode()
    assert "Staffing" in detail and "FREQ=WEEKLY;BYDAY=TU" in detail
