"""Notice-deadline reminders 90, 60 and 30 days before the last day to give notice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.reminders import sweep_notice_deadlines
from tests.contracts.factories import ContractFactory
from vendorhub.models import Notification, Reminder

pytestmark = pytest.mark.django_db


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)


@pytest.fixture
def contract(vendor_a, manager):
    c = ContractFactory(
        vendor=vendor_a, owner=manager, end_date=date(2027, 6, 30), renewal_notice_days=90
    )
    c.refresh_from_db()
    assert c.notice_deadline == date(2027, 4, 1)
    return c


def test_nothing_before_ninety_days(contract):
    assert sweep_notice_deadlines(at(contract.notice_deadline - timedelta(days=91))) == 0


def test_each_stage_once(contract, manager):
    deadline = contract.notice_deadline
    assert sweep_notice_deadlines(at(deadline - timedelta(days=90))) == 1
    assert sweep_notice_deadlines(at(deadline - timedelta(days=89))) == 0
    assert sweep_notice_deadlines(at(deadline - timedelta(days=60))) == 1
    assert sweep_notice_deadlines(at(deadline - timedelta(days=45))) == 0
    assert sweep_notice_deadlines(at(deadline - timedelta(days=30))) == 1
    assert sweep_notice_deadlines(at(deadline - timedelta(days=1))) == 0
    stages = sorted(Reminder.objects.values_list("stage", flat=True))
    assert stages == ["30d", "60d", "90d"]
    assert Notification.objects.filter(recipient=manager).count() == 3


def test_sweeps_down_for_weeks_send_only_the_latest_stage(contract):
    assert sweep_notice_deadlines(at(contract.notice_deadline - timedelta(days=20))) == 1
    assert list(Reminder.objects.values_list("stage", flat=True)) == ["30d"]


def test_terminated_contract_is_dropped(contract):
    contract.status = "terminated"
    contract.save()
    assert sweep_notice_deadlines(at(contract.notice_deadline - timedelta(days=30))) == 0
