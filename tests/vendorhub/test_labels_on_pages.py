"""Pages show labels and dates people read, not codes (issue 13, "Dates and codes"):
no "service_level 40 %", "dispute.resolution_overdue" or a date without its year when
it is not this year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.contracts.factories import ContractFactory
from tests.meetings.factories import ActionItemFactory, MeetingFactory
from vendorhub.models import Notification

pytestmark = pytest.mark.django_db


def test_credit_allocation_names_the_kpi(client_for, manager, vendor_a):
    contract = ContractFactory(
        vendor=vendor_a, service_credit_allocation={"service_level": 40, "asa": 60}
    )
    html = client_for(manager).get(contract.get_absolute_url()).content.decode()
    assert "service_level 40 %" not in html and "asa 60 %" not in html
    assert "Service level 40 %" in html


def test_notification_list_says_the_kind_in_words(client_for, manager, vendor_a):
    Notification.objects.create(
        recipient=manager,
        vendor=vendor_a,
        kind="dispute.resolution_overdue",
        message="DSP-1 is past its resolution deadline",
    )
    html = client_for(manager).get("/notifications/").content.decode()
    assert "dispute.resolution_overdue" not in html
    assert "Dispute resolution overdue" in html


def test_dates_carry_the_year_only_when_it_is_not_this_year(client_for, manager, vendor_a):
    last_year = datetime(timezone.localdate().year - 1, 12, 16, 9, 0, tzinfo=UTC)
    this_year = datetime.now(UTC) + timedelta(days=1)
    old = MeetingFactory(vendor=vendor_a, organiser=manager, start=last_year, title="Old one")
    new = MeetingFactory(vendor=vendor_a, organiser=manager, start=this_year, title="New one")
    ActionItemFactory(meeting=old, owner=manager, title="Late item")
    ActionItemFactory(meeting=new, owner=manager, title="Fresh item")
    html = client_for(manager).get("/meetings/actions/").content.decode()
    assert f"Old one, 16 Dec {last_year.year}" in html
    local = timezone.localtime(this_year)
    if local.year == timezone.localdate().year:
        assert f"New one, {local.day} {local:%b}<" in html
