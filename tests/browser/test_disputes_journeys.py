"""Main journey: a manager logs a dispute, the partner answers in the portal, the
manager resolves it — in real Chromium, with screenshots."""

from __future__ import annotations

import pytest

from disputes.models import Dispute

pytestmark = pytest.mark.django_db(transaction=True)


def _logout(page):
    page.context.clear_cookies()


@pytest.mark.parametrize("width", [1280, 390])
def test_manager_logs_partner_answers_manager_resolves(
    page, login, screenshot, check_page, manager, partner_a, vendor_a, nav, at_width, width
):
    at_width(page, width)
    login(page, manager)
    page.goto("/disputes/")
    page.click("text=+ Raise a dispute")
    page.select_option("#id_vendor", vendor_a.slug)
    page.select_option("#id_type", "underperformance")
    page.select_option("#id_severity", "high")
    page.fill("#id_title", "Service level 71 % in week 10")
    page.fill("#id_description", "71 % answered within 20 s against 80 %.")
    check_page(page, "disputes-create")
    screenshot(page, f"disputes-create-{width}")
    page.click("button:has-text('Log dispute')")
    page.wait_for_selector("text=logged")
    dispute = Dispute.objects.get()
    assert page.url.endswith(dispute.get_absolute_url())

    # Ask the vendor, and leave an internal note the partner must never see.
    page.fill("#id_transition_note", "Please send root cause and plan.")
    page.click("button[name=to][value=awaiting_vendor]")
    page.wait_for_selector("#dispute-status:has-text('Awaiting vendor')")
    page.fill("#id_body", "Credits apply below 75 % (internal).")
    page.check("input[name=visibility][value=internal]")
    page.click("button:has-text('Add to timeline')")
    page.wait_for_selector("text=Credits apply below 75 %")
    check_page(page, "disputes-detail-manager")
    screenshot(page, f"disputes-detail-manager-{width}")

    _logout(page)
    login(page, partner_a)
    page.goto("/disputes/")
    page.click(f"text={dispute.reference}")
    assert "Credits apply below 75" not in page.content()
    page.fill(".respond-form #id_body", "Night shift was understaffed.")
    page.fill("#id_root_cause", "Two agents resigned; backfill late.")
    page.fill("#id_action_plan", "Four new agents from Monday.")
    page.click("button:has-text('Send response')")
    page.wait_for_selector("#dispute-status:has-text('Vendor responded')")
    check_page(page, "disputes-detail-partner")
    screenshot(page, f"disputes-detail-partner-{width}")

    _logout(page)
    login(page, manager)
    page.goto(dispute.get_absolute_url())
    page.click("button[name=to][value=under_review]")
    page.wait_for_selector("#dispute-status:has-text('Under review')")
    page.fill("#id_transition_note", "Plan accepted; 2 % credit for week 10.")
    page.select_option("#id_outcome", "upheld")
    page.click("button[name=to][value=resolved]")
    page.wait_for_selector("#dispute-status:has-text('Resolved')")
    check_page(page, "disputes-resolved")
    screenshot(page, f"disputes-resolved-{width}")
    dispute.refresh_from_db()
    assert dispute.status == "resolved" and dispute.outcome == "upheld"
    assert dispute.root_cause.startswith("Two agents")

    page.goto("/disputes/")
    page.select_option("#id_status", "resolved")
    page.wait_for_selector(f"#results >> text={dispute.reference}")
    check_page(page, "disputes-list")
    screenshot(page, f"disputes-list-{width}")
    assert page.console_errors == []
