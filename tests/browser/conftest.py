"""Playwright in Debian's Chromium (``playwright install`` cannot download browsers here).

Fixtures every journey uses (README, "Browser tests"):

- ``browser``: one Chromium per session;
- ``page`` (1280 × 900) and ``phone_page`` (390 × 844): a fresh context each, whose CSP
  violations are recorded from the first script on (``page.csp_violations``) and fail
  the test at its end, so a violation after an htmx swap is caught without asking;
  ``page.console_errors`` holds the console's errors;
- ``new_page(user=None, *, width=1280)``: more pages, logged in as ``user`` (each user
  logs in through the real form once per test; later pages reuse the session);
- ``login(page, user)``: log in through the real form;
- ``check_page(page, label)``: axe-core (no serious or critical violation), no CSP
  violation so far, and at phone width no sideways scrolling. Call it on every page a
  journey shows, after each htmx swap that matters;
- ``screenshot(page, name)``: a full-page PNG under ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser import checks

# Playwright's sync API runs an event loop in this thread; Django would otherwise
# refuse ORM calls made by the test itself (fixtures, assertions).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: install Debian's chromium.")
        pytest.skip("No chromium on PATH (apt-get install chromium); browser tests skipped.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open_page(browser, base_url: str, viewport: dict, storage_state=None):
    context = browser.new_context(viewport=viewport, base_url=base_url, storage_state=storage_state)
    context.set_default_timeout(15_000)
    csp = checks.watch_csp(context)
    page = context.new_page()
    page.csp_violations = csp
    page.console_errors = checks.watch_console(page)
    return page


def _assert_no_csp(pages) -> None:
    found = [v for page in pages for v in page.csp_violations]
    assert found == [], f"Content-Security-Policy violations: {found}"


@pytest.fixture
def page(browser, live_server):
    page = _open_page(browser, live_server.url, checks.DESKTOP)
    yield page
    page.context.close()
    _assert_no_csp([page])


@pytest.fixture
def phone_page(browser, live_server):
    page = _open_page(browser, live_server.url, checks.PHONE)
    yield page
    page.context.close()
    _assert_no_csp([page])


def _login(page, user, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


@pytest.fixture
def login(password):
    """``login(page, user)``: log in through the real form and wait for the home page."""

    def do_login(page, user):
        _login(page, user, password)
        return page

    return do_login


@pytest.fixture
def new_page(browser, live_server, password):
    """``new_page(user=None, *, width=1280)``: another page in its own context, logged
    in as ``user``. The first page of a user logs in through the form; the next ones
    reuse its session (storage state), which keeps role-by-role crawls fast."""
    opened = []
    sessions: dict[int, dict] = {}

    def make(user=None, *, width: int = 1280):
        viewport = (
            checks.PHONE if width <= checks.PHONE["width"] else {**checks.DESKTOP, "width": width}
        )
        state = sessions.get(user.pk) if user is not None else None
        page = _open_page(browser, live_server.url, viewport, storage_state=state)
        opened.append(page)
        if user is not None and state is None:
            _login(page, user, password)
            sessions[user.pk] = page.context.storage_state()
        return page

    yield make
    for page in opened:
        page.context.close()
    _assert_no_csp(opened)


@pytest.fixture
def nav():
    """``nav(page, name)``: follow a link of the main navigation, opening the Menu first
    when the page is narrow enough to collapse it (phones)."""

    def go(page, name: str) -> None:
        toggle = page.locator(".nav-toggle")
        if toggle.is_visible():
            toggle.click()
        main = page.get_by_role("navigation", name="Main")
        main.get_by_role("link", name=name, exact=True).click()

    return go


@pytest.fixture
def at_width():
    """``at_width(page, width)``: the page at 1280 (desktop) or 390 px (phone)."""

    def resize(page, width: int) -> None:
        page.set_viewport_size(checks.PHONE if width <= checks.PHONE["width"] else checks.DESKTOP)

    return resize


@pytest.fixture
def check_page():
    """``check_page(page, label=None, **options)``: fail on axe serious/critical
    violations, CSP violations so far, and sideways scrolling at phone width."""

    def check(page, label: str | None = None, **options):
        problems = checks.check_page(page, csp=page.csp_violations, label=label, **options)
        assert not problems, str(problems)

    return check


@pytest.fixture
def screenshot():
    """``screenshot(page, name)``: save a full-page PNG under test-artifacts/screenshots."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        # caret="initial": Playwright's default hides the caret by writing a style to
        # every input and leaves style="" behind; htmx's settle then copies that
        # attribute onto swapped-in fields, which strict CSP reports as a violation.
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    return take
