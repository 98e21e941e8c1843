"""Every GET page of the URL resolver, as each role, at 1280 and 390 px: no server error,
no serious or critical axe violation, no CSP violation (also after an htmx swap), no
sideways scrolling on a phone.

Pages are found from the resolver (``tests/browser/pages.py``), so a page another
engineer adds is checked as soon as it is classified there (an unclassified route
fails ``test_every_route_is_classified``). One world with one object of each kind
(``tests/security/world.py``); one logged-in page per role, each page checked at
1280 px and again after narrowing the same page to 390 px.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser import checks
from tests.browser.pages import API_PAGES, anonymous_pages, signed_in_pages, unclassified_routes
from tests.security.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

# Pages a role may not open answer 403 (read-only roles on edit pages) or, for a partner,
# 404 / a redirect to its own vendor; those are skipped for that role, never a failure.
REFUSED = (403, 404)


def test_every_route_is_classified():
    assert unclassified_routes() == [], (
        "Add these routes to tests/browser/pages.py (PAGE_ARGS or NOT_PAGES)"
    )


@pytest.fixture
def world(vendor_a, vendor_b, manager, executive, partner_a, partner_b):
    return build_world(
        vendor_a=vendor_a,
        vendor_b=vendor_b,
        manager=manager,
        executive=executive,
        partner_a=partner_a,
        partner_b=partner_b,
    )


def _visit(page, path: str, label: str, problems: checks.PageProblems, seen: dict) -> None:
    """Open ``path`` at 1280 px and check it; then narrow the same page to 390 px (the
    media queries apply as on a phone) and check it again."""
    page.set_viewport_size(checks.DESKTOP)
    try:
        response = page.goto(path)
    except PlaywrightError as exc:  # e.g. an empty 405: classify the route as not a page
        problems.add(label, f"could not be opened: {exc.message.splitlines()[0]}")
        return
    status = response.status if response else 0
    if status >= 500 or status == 0:
        problems.add(label, f"answered {status}")
        return
    if status in REFUSED or status == 405:
        seen["refused"] += 1
        return
    if not (response.headers.get("content-type", "")).startswith("text/html"):
        return
    for viewport in (checks.DESKTOP, checks.PHONE):
        page.set_viewport_size(viewport)
        found = checks.check_page(
            page, csp=page.csp_violations, label=f"{label} @{viewport['width']}"
        )
        problems.items.extend(found.items)
    seen["checked"] += 1


def _swap_filters(page, label: str, problems: checks.PageProblems) -> None:
    """An htmx swap (the dispute filters) at both widths: no CSP violation after it."""
    for viewport in (checks.DESKTOP, checks.PHONE):
        page.set_viewport_size(viewport)
        page.goto("/disputes/")
        with page.expect_response(lambda r: "/disputes/?" in r.url):
            page.select_option("#id_severity", "high")
        page.wait_for_timeout(100)
        found = checks.check_page(
            page, csp=page.csp_violations, label=f"{label} @{viewport['width']} after swap"
        )
        problems.items.extend(found.items)


@pytest.mark.parametrize("role", ["manager", "executive", "partner_a"])
def test_every_page_as(role, request, world, new_page, screenshot):
    user = request.getfixturevalue(role)
    problems = checks.PageProblems()
    seen = {"checked": 0, "refused": 0}
    page = new_page(user)
    for name, path in signed_in_pages(world):
        _visit(page, path, f"{role} {name} {path}", problems, seen)
    _swap_filters(page, role, problems)
    screenshot(page, f"every-page-{role}-disputes-swapped-390")
    assert not problems, f"\n{problems}"
    # The crawl really looked at pages (read-only roles are refused the edit forms).
    assert seen["checked"] >= (35 if role == "manager" else 20), seen


def test_anonymous_and_api_pages(world, manager, new_page):
    problems = checks.PageProblems()
    seen = {"checked": 0, "refused": 0}
    page = new_page(None)
    for name, path in anonymous_pages():
        _visit(page, path, f"anonymous {name}", problems, seen)
    page = new_page(manager)
    for path in API_PAGES:
        _visit(page, path, f"manager {path}", problems, seen)
    assert not problems, f"\n{problems}"
    assert seen["checked"] >= 5, seen
