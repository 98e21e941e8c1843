"""Each role logs in through the real form in headless Chromium and lands on its home."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize(
    ("who", "heading"),
    [
        ("manager", "Good to see you"),
        ("executive", "Outsourcing portfolio"),
        ("partner_a", "Acme Contact · partner portal"),
    ],
)
def test_each_role_logs_in_and_sees_its_home(
    request, page, login, screenshot, check_page, at_width, who, heading, width
):
    at_width(page, width)
    user = request.getfixturevalue(who)
    login(page, user)
    assert heading in page.locator("h1").inner_text()
    check_page(page, f"home of {who}")
    shot = screenshot(page, f"home-{who}-{width}")
    assert shot.stat().st_size > 10_000
    assert page.console_errors == []  # CSP violations and script errors show up here


def test_partner_is_sent_to_own_vendor_and_cannot_open_another(
    page, login, partner_a, vendor_b, screenshot
):
    login(page, partner_a)
    page.goto("/vendors/")
    assert page.url.endswith("/vendors/acme-contact/")
    screenshot(page, "vendor-partner")
    response = page.goto(f"/vendors/{vendor_b.slug}/")
    assert response.status == 404
    assert "Page not found" in page.content()


@pytest.mark.parametrize("width", [1280, 390])
def test_manager_filters_vendors_with_htmx_and_logs_out(
    page, login, check_page, at_width, manager, vendor_a, vendor_b, width
):
    at_width(page, width)
    login(page, manager)
    page.goto("/vendors/")
    page.fill("#id_q", "borealis")
    page.wait_for_url(re.compile(r".*q=borealis.*"))
    rows = page.locator("#results tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1
    assert "Borealis CX" in rows.first.inner_text()
    check_page(page, "vendor list after an htmx filter")
    page.click(".usermenu summary")
    page.click("text=Log out")
    page.wait_for_url("**/accounts/login/")
    assert page.locator("h1").inner_text() == "Log in"
