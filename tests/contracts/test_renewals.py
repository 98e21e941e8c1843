"""Renewals: auto-renewing contracts roll by whole terms, the others expire (issue 11).

Every run goes through ``send_reminders --now``, the public command that beat's task
also runs. Expected dates are computed by hand in each test.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from contracts.models import Contract
from tests.contracts.factories import ContractFactory
from vendorhub.models import Notification, Reminder

pytestmark = pytest.mark.django_db


def run(day: date, hour: int = 6) -> None:
    call_command("send_reminders", "--now", f"{day.isoformat()}T{hour:02d}:00:00+00:00")


def reload(contract: Contract) -> Contract:
    return Contract.objects.get(pk=contract.pk)


@pytest.fixture
def rolling(vendor_a, manager):
    return ContractFactory(
        vendor=vendor_a,
        owner=manager,
        effective_date=date(2024, 4, 1),
        end_date=date(2026, 3, 31),
        auto_renewal=True,
        renewal_term_months=12,
        renewal_notice_days=90,
    )


@pytest.fixture
def fixed(vendor_a, manager):
    return ContractFactory(
        vendor=vendor_a,
        owner=manager,
        reference="FIXED-1",
        effective_date=date(2024, 4, 1),
        end_date=date(2026, 3, 31),
        auto_renewal=False,
    )


def test_nothing_happens_the_day_before_or_on_the_end_date(rolling, fixed):
    for day in (date(2026, 3, 30), date(2026, 3, 31)):
        run(day, hour=23)
        assert (reload(rolling).end_date, reload(rolling).status) == (date(2026, 3, 31), "active")
        assert reload(fixed).status == "active"
    assert not Notification.objects.filter(kind__in=["contract.renewed", "contract.expired"])


def test_the_day_after_an_auto_renewing_contract_rolls_one_term(rolling, manager):
    run(date(2026, 4, 1), hour=0)
    contract = reload(rolling)
    assert (contract.status, contract.end_date) == ("active", date(2027, 3, 31))
    assert contract.notice_deadline == date(2027, 3, 31) - timedelta(days=90)
    assert contract.term_start == date(2026, 4, 1)
    assert contract.next_term == (date(2027, 4, 1), date(2028, 3, 31))
    latest = contract.history.order_by("-history_date").first()
    assert latest.history_change_reason.startswith("Auto-renewed by 1 term of 12 months")
    told = Notification.objects.filter(kind="contract.renewed")
    assert [n.recipient for n in told] == [manager]
    assert "31 Mar 2027" in told[0].message
    run(date(2026, 4, 1), hour=12)  # the same day again: nothing more
    run(date(2026, 4, 2))
    assert reload(rolling).end_date == date(2027, 3, 31)
    assert Notification.objects.filter(kind="contract.renewed").count() == 1


def test_the_day_after_a_contract_without_auto_renewal_expires(fixed, manager):
    run(date(2026, 4, 1))
    contract = reload(fixed)
    assert (contract.status, contract.end_date) == ("expired", date(2026, 3, 31))
    assert (
        contract.history.order_by("-history_date")
        .first()
        .history_change_reason.startswith("Expired")
    )
    assert Notification.objects.filter(kind="contract.expired", recipient=manager).count() == 1
    run(date(2026, 4, 2))
    assert Notification.objects.filter(kind="contract.expired").count() == 1


@pytest.mark.parametrize(
    ("end", "months", "today", "expected"),
    [
        # Three yearly terms behind: 2024, 2025 and 2026 are added.
        (date(2023, 12, 31), 12, date(2026, 4, 1), date(2026, 12, 31)),
        # Exactly on a term boundary: ends today, no further roll.
        (date(2023, 12, 31), 12, date(2025, 12, 31), date(2025, 12, 31)),
        # Monthly terms from 31 Jan: 28 Feb, 31 Mar, 30 Apr (month ends, clamped).
        (date(2026, 1, 31), 1, date(2026, 4, 1), date(2026, 4, 30)),
        # Quarterly terms from 30 Jun: 30 Sep, 31 Dec.
        (date(2025, 6, 30), 3, date(2025, 11, 15), date(2025, 12, 31)),
    ],
)
def test_a_contract_several_terms_behind_rolls_by_whole_terms(
    vendor_a, manager, end, months, today, expected
):
    contract = ContractFactory(
        vendor=vendor_a,
        owner=manager,
        effective_date=date(2023, 1, 1),
        end_date=end,
        auto_renewal=True,
        renewal_term_months=months,
    )
    run(today)
    assert reload(contract).end_date == expected
    assert reload(contract).status == "active"


def test_notice_reminders_restart_for_the_new_term_once_each(rolling, manager):
    first_deadline = date(2026, 3, 31) - timedelta(days=90)  # 31 Dec 2025
    for days in (90, 60, 30):
        run(first_deadline - timedelta(days=days))
        run(first_deadline - timedelta(days=days))  # repeated: nothing twice
    run(date(2026, 4, 1))  # rolls to 31 Mar 2027
    second_deadline = reload(rolling).notice_deadline
    assert second_deadline == date(2026, 12, 31)
    for days in (90, 60, 30):
        run(second_deadline - timedelta(days=days))
        run(second_deadline - timedelta(days=days))
    sent = Reminder.objects.filter(kind="contract.notice_deadline", object_id=rolling.pk)
    assert sorted((r.stage, r.due_at.date()) for r in sent) == sorted(
        (f"{d}d", deadline) for d in (90, 60, 30) for deadline in (first_deadline, second_deadline)
    )


def test_timeline_and_detail_show_the_current_and_next_term(client_for, manager, rolling):
    run(date(2026, 4, 1))
    client = client_for(manager)
    timeline = client.get("/contracts/renewals/").content.decode()
    assert "Current term 1 Apr 2026 – 31 Mar 2027" in timeline
    assert "next term 1 Apr 2027 – 31 Mar 2028" in timeline
    detail = client.get(f"/contracts/{rolling.pk}/").content.decode()
    assert "Auto-renewed by 1 term of 12 months" in detail
    assert "1 Apr 2027 – 31 Mar 2028" in detail


def test_partner_of_another_vendor_cannot_see_the_renewal(client_for, partner_b, rolling):
    assert client_for(partner_b).get(f"/contracts/{rolling.pk}/").status_code == 404


def test_api_renewal_term_months_defaults_to_12_and_is_validated(api_for, manager, vendor_a):
    api = api_for(manager)
    body = {
        "vendor": vendor_a.slug,
        "reference": "API-REN-1",
        "title": "Renewing",
        "status": "active",
        "effective_date": "2025-01-01",
        "end_date": "2025-12-31",
        "pricing_model": "per_contact",
        "currency": "EUR",
        "auto_renewal": True,
    }
    created = api.post("/api/v1/contracts/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["renewal_term_months"] == 12
    bad = api.post(
        "/api/v1/contracts/",
        {**body, "reference": "API-REN-2", "renewal_term_months": 0},
        format="json",
    )
    assert bad.status_code == 400 and "renewal_term_months" in bad.json()
