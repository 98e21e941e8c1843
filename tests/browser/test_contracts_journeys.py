"""Main contracts journeys in real Chromium: find what the contract says, change a clause
inline (htmx), see its history; a partner proposes a scope change."""

from __future__ import annotations

import pytest

from tests.contracts.factories import ClauseFactory, ContractFactory
from tests.factories import UserFactory, VendorFactory
from vendorhub.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup():
    vendor = VendorFactory(slug="acme-contact", name="Acme Contact")
    other = VendorFactory(slug="borealis-cx", name="Borealis CX")
    manager = UserFactory(username="manager", role=Role.MANAGER)
    partner = UserFactory(username="partner_a", role=Role.PARTNER, vendor=vendor)
    contract = ContractFactory(vendor=vendor, reference="MSA-ACME-1", title="Acme voice SOW")
    ClauseFactory(
        contract=contract,
        number="2.1",
        heading="Service level",
        category="service_level",
        body="80% of calls answered within 20 seconds, measured monthly.",
    )
    ClauseFactory(
        contract=contract,
        number="7.2",
        heading="Termination for convenience",
        category="termination",
        body="Either party may terminate on 90 days' notice.",
    )
    hidden = ContractFactory(vendor=other, reference="MSA-BOR-1")
    ClauseFactory(contract=hidden, number="2.1", body="Borealis calls answered within 30 seconds.")
    return {"manager": manager, "partner": partner, "contract": contract}


@pytest.mark.parametrize("width", [1280, 390])
def test_manager_finds_edits_and_traces_a_clause(
    page, login, screenshot, check_page, setup, nav, at_width, width
):
    at_width(page, width)
    login(page, setup["manager"])
    nav(page, "Contracts")
    page.wait_for_selector("text=MSA-ACME-1")
    check_page(page, "contracts-list-manager")
    screenshot(page, f"contracts-list-manager-{width}")

    page.click("text=MSA-ACME-1")
    page.wait_for_selector("#clauses")
    clause = page.locator("article.clause", has_text="Service level")
    clause.get_by_role("link", name="Edit").click()
    form = page.locator("form.clause-form").first
    form.wait_for()
    form.locator("textarea[name=body]").fill(
        "85% of calls answered within 20 seconds, measured monthly."
    )
    form.get_by_role("button", name="Save new version").click()
    page.wait_for_selector("article.clause >> text=85% of calls answered")
    check_page(page, "contracts-detail-after-inline-edit")
    screenshot(page, f"contracts-detail-after-inline-edit-{width}")

    page.locator("article.clause", has_text="85% of calls").get_by_role(
        "link", name="History"
    ).click()
    page.wait_for_selector("text=Version 2")
    assert page.locator(".diff-text del").first.inner_text() == "80%"
    check_page(page, "contracts-clause-history")
    screenshot(page, f"contracts-clause-history-{width}")

    nav(page, "Clause search")
    page.fill("#id_q", "answered within seconds")
    page.wait_for_selector(".search-hit mark")
    assert page.locator(".search-hit").count() == 2  # both vendors, for the manager
    check_page(page, "contracts-clause-search")
    screenshot(page, f"contracts-clause-search-{width}")
    assert page.console_errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_partner_reads_own_contract_and_proposes_scope_change(
    page, login, screenshot, check_page, setup, nav, at_width, width
):
    at_width(page, width)
    login(page, setup["partner"])
    page.goto("/contracts/clauses/search/?q=answered")
    page.wait_for_selector(".search-hit")
    assert page.locator(".search-hit").count() == 1
    assert "Borealis" not in page.content()

    page.goto(f"/contracts/{setup['contract'].pk}/")
    assert page.locator("text=Edit contract").count() == 0
    page.click("text=+ Propose a scope change")
    page.fill("#id_title", "Weekend chat")
    page.fill("#id_description", "Chat coverage on Saturdays.")
    page.fill("#id_price_impact", "4500")
    page.click("button:has-text('Propose')")
    page.wait_for_selector("#scope-changes >> text=Weekend chat")
    assert page.locator("#scope-changes .badge", has_text="Proposed").count() == 1
    check_page(page, "contracts-detail-partner")
    screenshot(page, f"contracts-detail-partner-{width}")
    assert page.console_errors == []
