"""A KPI missing from last month's scorecard reminds whoever supplies it, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.scorecards.factories import MeasurementFactory, TargetFactory, kpi
from vendorhub.models import Notification

pytestmark = pytest.mark.django_db


def _months():
    today = timezone.localdate()
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    before = (last - timedelta(days=1)).replace(day=1)
    return last, before


def test_missing_vendor_data_reminds_the_vendors_partners_once(
    vendor_a, vendor_b, partner_a, partner_b, manager
):
    last, before = _months()
    TargetFactory(vendor=vendor_a, kpi=kpi("csat"), target=85, threshold=75)
    MeasurementFactory(vendor=vendor_a, kpi=kpi("csat"), period_start=before, supplied_by="vendor")
    call_command("send_reminders")
    call_command("send_reminders")  # a repeated sweep sends nothing more
    (told,) = Notification.objects.filter(kind="kpi_missing")
    assert told.recipient == partner_a
    assert "CSAT" in told.message or "csat" in told.message.lower()
    assert told.url.endswith(f"?period={last:%Y-%m}")
    assert not Notification.objects.filter(recipient__in=[partner_b, manager], kind="kpi_missing")


def test_missing_client_measured_data_reminds_the_client_side(vendor_a, partner_a, manager):
    _last, before = _months()
    TargetFactory(vendor=vendor_a, kpi=kpi("service_level"))
    MeasurementFactory(
        vendor=vendor_a, kpi=kpi("service_level"), period_start=before, supplied_by="client"
    )
    call_command("send_reminders")
    told = Notification.objects.filter(kind="kpi_missing")
    assert [n.recipient for n in told] == [manager]


def test_a_complete_month_reminds_nobody(vendor_a, partner_a, manager):
    last, _before = _months()
    TargetFactory(vendor=vendor_a, kpi=kpi("csat"), target=85, threshold=75)
    MeasurementFactory(vendor=vendor_a, kpi=kpi("csat"), period_start=last, supplied_by="vendor")
    call_command("send_reminders")
    assert not Notification.objects.filter(kind="kpi_missing").exists()
