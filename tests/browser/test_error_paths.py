"""Errors that show (issue 13, "Errors vanish"): per app, a refused input (400) and,
where two people can edit the same thing, a stale edit (409 "someone else changed
this") are visible to the user, with an error summary that takes focus, at 1280 and
390 px, with axe, CSP and overflow checks. Screenshots under test-artifacts/."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from contracts import services as contract_services
from contracts.models import Clause
from disputes import services as dispute_services
from meetings.services import meeting_update
from scorecards.services import measurement_update, scorecard_publish
from tests.contracts.factories import ClauseFactory, ContractFactory
from tests.disputes.factories import make_dispute
from tests.meetings.factories import MeetingFactory
from tests.scorecards.factories import MeasurementFactory, TargetFactory

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = [1280, 390]


def _summary_has_focus(page) -> bool:
    """The summary takes focus once htmx has settled the swap (a few ms after it shows).

    Polled from Python: ``wait_for_function`` compiles its predicate with eval, which the
    page's CSP (rightly) refuses."""
    for _ in range(30):
        if page.evaluate(
            "document.activeElement && document.activeElement.hasAttribute('data-error-summary')"
        ):
            return True
        page.wait_for_timeout(100)
    return False


@pytest.mark.parametrize("width", WIDTHS)
def test_contracts_clause_edit_400_and_409(
    new_page, check_page, screenshot, manager, vendor_a, width
):
    contract = ContractFactory(vendor=vendor_a, reference="MSA-A-7")
    clause = ClauseFactory(
        contract=contract, number="7.1", heading="Reporting", body="By the 5th.", category="other"
    )
    page = new_page(manager, width=width)
    page.goto(contract.get_absolute_url())
    box = f"#clause-{clause.pk}"
    page.click(f"{box} a:has-text('Edit')")
    page.fill(f"{box} input[name=heading]", "")
    page.click(f"{box} button[type=submit]")
    page.wait_for_selector(f"{box} [data-error-summary]")
    assert "Heading" in page.locator(f"{box} [data-error-summary]").inner_text()
    assert _summary_has_focus(page)
    check_page(page, "clause edit 400")
    screenshot(page, f"errors-contracts-400-{width}")

    page.fill(f"{box} input[name=heading]", "Monthly reporting")
    other = Clause.objects.get(pk=clause.pk)  # a colleague saves first
    other.body = "By the 3rd."
    contract_services.clause_save(clause=other, by=manager)
    page.click(f"{box} button[type=submit]")
    page.wait_for_selector(f"{box} >> text=Someone else changed this")
    assert _summary_has_focus(page)
    check_page(page, "clause edit 409")
    screenshot(page, f"errors-contracts-409-{width}")
    clause.refresh_from_db()
    assert (clause.heading, clause.body) == ("Reporting", "By the 3rd.")


@pytest.mark.parametrize("width", WIDTHS)
def test_meetings_edit_400_and_409(new_page, check_page, screenshot, manager, vendor_a, width):
    meeting = MeetingFactory(
        vendor=vendor_a,
        organiser=manager,
        title="Weekly ops",
        start=datetime(2030, 6, 11, 7, 0, tzinfo=UTC),
    )
    page = new_page(manager, width=width)
    page.goto(f"/meetings/{meeting.pk}/edit/")
    page.fill("#id_title", "")
    page.click("button:has-text('Save meeting')")
    page.wait_for_selector("[data-error-summary]")
    assert "Title" in page.locator("[data-error-summary]").inner_text()
    assert _summary_has_focus(page)
    check_page(page, "meeting edit 400")
    screenshot(page, f"errors-meetings-400-{width}")

    page.fill("#id_title", "Ops sync")
    meeting.start = datetime(2030, 6, 12, 7, 0, tzinfo=UTC)  # a colleague moves it
    meeting_update(meeting=meeting, changed=["start"], by=manager)
    page.click("button:has-text('Save meeting')")
    page.wait_for_selector("text=Someone else changed this")
    assert _summary_has_focus(page)
    check_page(page, "meeting edit 409")
    screenshot(page, f"errors-meetings-409-{width}")
    meeting.refresh_from_db()
    assert meeting.title == "Weekly ops"


@pytest.mark.parametrize("width", WIDTHS)
def test_disputes_comment_400_and_transition_409(
    new_page, check_page, screenshot, manager, vendor_a, width
):
    dispute = make_dispute(vendor=vendor_a, by=manager, title="Service level below 80 %")
    page = new_page(manager, width=width)
    page.goto(dispute.get_absolute_url())
    page.check("input[name=visibility][value=shared]")
    page.click("button:has-text('Add to timeline')")  # empty comment
    page.wait_for_selector(".comment-form [data-error-summary]")
    assert "Write something" in page.locator(".comment-form [data-error-summary]").inner_text()
    assert _summary_has_focus(page)
    check_page(page, "dispute comment 400")
    screenshot(page, f"errors-disputes-400-{width}")

    page.goto(dispute.get_absolute_url())
    dispute_services.dispute_transition(  # a colleague moves it on first
        dispute=dispute, to="awaiting_vendor", by=manager, note="Please explain"
    )
    page.click(".transition-buttons button:has-text('Escalate')")  # valid, but stale
    page.wait_for_selector("text=Someone else changed this")
    assert _summary_has_focus(page)
    check_page(page, "dispute transition 409")
    screenshot(page, f"errors-disputes-409-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_scorecards_appeal_400(
    new_page, check_page, screenshot, manager, partner_a, vendor_a, width
):
    last = date.today().replace(day=1) - timedelta(days=1)
    TargetFactory(vendor=vendor_a)
    MeasurementFactory(vendor=vendor_a, period_start=last.replace(day=3), value=60, volume=500)
    published = scorecard_publish(
        vendor=vendor_a, period_kind="month", period_start=last.replace(day=1), by=manager
    )
    page = new_page(partner_a, width=width)
    page.goto(published.get_absolute_url())
    page.fill("#id_reason", "Too short")
    page.click("button:has-text('Send appeal')")
    page.wait_for_selector("#appeal [data-error-summary]")
    assert "at least 10 characters" in page.locator("#appeal [data-error-summary]").inner_text()
    assert _summary_has_focus(page)
    check_page(page, "scorecard appeal 400")
    screenshot(page, f"errors-scorecards-400-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_scorecards_measurement_edit_409(
    new_page, check_page, screenshot, manager, vendor_a, width
):
    last = date.today().replace(day=1) - timedelta(days=1)
    TargetFactory(vendor=vendor_a)
    row = MeasurementFactory(
        vendor=vendor_a, period_start=last.replace(day=3), value=60, volume=500
    )
    page = new_page(manager, width=width)
    page.goto(f"/scorecards/measurements/{row.pk}/edit/")
    page.fill("#id_value", "65")
    page.click("button:has-text('Check')")
    page.wait_for_selector("button:has-text('Save')")
    # Meanwhile a colleague corrects the same row.
    measurement_update(
        measurement=row, by=manager, changes={"value": 70}, expected_version=row.version
    )
    page.click("button:has-text('Save')")
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert "Someone else changed this measurement" in summary.inner_text()
    assert _summary_has_focus(page)
    check_page(page, "measurement edit 409")
    screenshot(page, f"errors-scorecards-409-{width}")
    row.refresh_from_db()
    assert row.value == 70
