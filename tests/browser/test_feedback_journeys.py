"""Feedback a paying user expects, in Chromium (issue 13, "Feedback"): publishing a
scorecard asks first; an inline clause edit says "saved" and an untouched save makes no
version; recording attendance updates the header without a reload; a comment's
visibility must be chosen. With axe, CSP and (at 390 px) overflow checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from scorecards.models import PublishedScorecard
from tests.contracts.factories import ClauseFactory, ContractFactory
from tests.disputes.factories import make_dispute
from tests.meetings.factories import AttendanceFactory, MeetingFactory
from tests.scorecards.factories import MeasurementFactory, TargetFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_publishing_a_scorecard_asks_first(new_page, check_page, screenshot, manager, vendor_a):
    last = date.today().replace(day=1) - timedelta(days=1)
    TargetFactory(vendor=vendor_a)
    MeasurementFactory(vendor=vendor_a, period_start=last.replace(day=3), value=60, volume=500)
    page = new_page(manager)
    page.goto(f"/scorecards/vendor/{vendor_a.slug}/?period={last:%Y-%m}")
    check_page(page, "scorecard before publishing")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click(f"button:has-text('Publish {last:%Y-%m}')")
    page.wait_for_timeout(300)
    assert asked and "cannot be unpublished" in asked[0]
    assert not PublishedScorecard.objects.exists()

    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"button:has-text('Publish {last:%Y-%m}')")
    page.wait_for_url("**/scorecards/published/**")
    assert PublishedScorecard.objects.count() == 1
    check_page(page, "published scorecard")
    screenshot(page, "feedback-scorecard-published")


@pytest.mark.parametrize("width", [1280, 390])
def test_inline_clause_edit_says_saved_and_unchanged_saves_no_version(
    new_page, check_page, screenshot, manager, vendor_a, width
):
    contract = ContractFactory(vendor=vendor_a, reference="MSA-A-9")
    clause = ClauseFactory(
        contract=contract,
        number="7.1",
        heading="Reporting",
        body="Monthly report by the 5th.\nIncluding AHT and FCR.",
        category="governance",
    )
    page = new_page(manager, width=width)
    page.goto(contract.get_absolute_url())
    edit = f"#clause-{clause.pk} a:has-text('Edit')"
    page.click(edit)
    page.wait_for_selector(f"#clause-{clause.pk} textarea[name=body]")
    page.click(f"#clause-{clause.pk} button[type=submit]")  # untouched
    page.wait_for_selector("#messages >> text=Nothing changed; clause 7.1 was kept as it was.")
    assert clause.history.count() == 1
    page.click(edit)
    page.fill(f"#clause-{clause.pk} input[name=heading]", "Monthly reporting")
    page.click(f"#clause-{clause.pk} button[type=submit]")
    page.wait_for_selector("#messages >> text=Clause 7.1 was saved.")
    assert clause.history.count() == 2
    check_page(page, "contract after inline clause edit")
    screenshot(page, f"feedback-clause-saved-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_recording_attendance_updates_the_header(
    new_page, check_page, screenshot, manager, partner_a, vendor_a, width
):
    meeting = MeetingFactory(
        vendor=vendor_a,
        organiser=manager,
        start=datetime.now(UTC) - timedelta(days=2),
        status="missed",
        title="Weekly ops",
    )
    row = AttendanceFactory(meeting=meeting, user=partner_a, name="", side="vendor")
    page = new_page(manager, width=width)
    page.goto(meeting.get_absolute_url())
    assert page.locator("#meeting-status").inner_text() == "Missed"
    page.select_option(f"#id_a{row.pk}", "attended")
    page.click("#attendance button:has-text('Record attendance')")
    page.wait_for_selector("#meeting-status >> text=Held")
    page.wait_for_selector("#messages >> text=Attendance recorded.")
    check_page(page, "meeting after recording attendance")
    screenshot(page, f"feedback-attendance-{width}")


def test_comment_visibility_must_be_chosen(
    new_page, check_page, screenshot, manager, partner_a, vendor_a
):
    dispute_a = make_dispute(vendor=vendor_a, by=manager, title="Service level below 80 %")
    page = new_page(manager, width=390)
    page.goto(dispute_a.get_absolute_url())
    assert page.locator("input[name=visibility]:checked").count() == 0
    page.fill("#id_body", "Legal view: terminate")
    page.click("button:has-text('Add to timeline')")
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert "Choose who sees this comment" in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    check_page(page, "dispute comment without visibility")
    screenshot(page, "feedback-comment-visibility-390")
    page.check("input[name=visibility][value=internal]")
    page.click("button:has-text('Add to timeline')")
    page.wait_for_selector(".timeline >> text=Legal view: terminate")
