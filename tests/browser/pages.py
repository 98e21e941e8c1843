"""Every GET page of the URL resolver, with the object each one needs.

``test_every_page.py`` visits all of them as each role. A route nobody classified here
fails that test: add a page's arguments to ``PAGE_ARGS`` (from the small world of
``tests/security/world.py``, one object of each kind per vendor), or name it in
``NOT_PAGES`` with the reason it is not a page (POST-only action, download, fragment).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# What each parametrised page needs, from the world (vendor A's objects: every role of
# the cast may see them, partner_a being A's partner).
PAGE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "vendor_detail": lambda w: {"slug": w.vendor_a.slug},
    "vendor_edit": lambda w: {"slug": w.vendor_a.slug},
    "contracts:detail": lambda w: {"pk": w.a["contract"].pk},
    "contracts:edit": lambda w: {"pk": w.a["contract"].pk},
    "contracts:clause_view": lambda w: {"pk": w.a["clause"].pk},
    "contracts:clause_edit": lambda w: {"pk": w.a["clause"].pk},
    "contracts:clause_history": lambda w: {"pk": w.a["clause"].pk},
    "contracts:rate_line_edit": lambda w: {"pk": w.a["rate_line"].pk},
    "contracts:amendment_edit": lambda w: {"pk": w.a["amendment"].pk},
    "meetings:detail": lambda w: {"pk": w.a["meeting"].pk},
    "meetings:edit": lambda w: {"pk": w.a["meeting"].pk},
    "meetings:series_detail": lambda w: {"pk": w.a["series"].pk},
    "meetings:series_edit": lambda w: {"pk": w.a["series"].pk},
    "actionplans:detail": lambda w: {"pk": w.a["plan"].pk},
    "actionplans:edit": lambda w: {"pk": w.a["plan"].pk},
    "disputes:detail": lambda w: {"reference": w.a["dispute"].reference},
    "disputes:edit": lambda w: {"reference": w.a["dispute"].reference},
    "scorecards:vendor": lambda w: {"slug": w.vendor_a.slug},
    "scorecards:targets": lambda w: {"slug": w.vendor_a.slug},
    "scorecards:published_detail": lambda w: {"pk": w.a["published"].pk},
    "scorecards:measurement_detail": lambda w: {"pk": w.a["measurement"].pk},
    "scorecards:measurement_edit": lambda w: {"pk": w.a["measurement"].pk},
    "scorecards:credits": lambda w: {"slug": w.vendor_a.slug},
}

# Pages for visitors who are not logged in (a logged-in user is sent home from them).
ANONYMOUS_PAGES = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
}

POST_ONLY = "POST-only action"
DOWNLOAD = "file download (not HTML)"
NOT_PAGES: dict[str, str] = {
    "healthz": "JSON health check",
    "logout": POST_ONLY,
    "password_reset_confirm": "needs a one-time token from an e-mail",
    "notification_read": POST_ONLY,
    "scorecards:measurement_delete": POST_ONLY,
    "scorecards:restate": POST_ONLY,
    "scorecards:measurement_import_template": DOWNLOAD,
    "notification_read_all": POST_ONLY,
    "outbox_email_action": POST_ONLY,
    "contracts:clause_create": POST_ONLY,
    "contracts:amendment_create": POST_ONLY,
    "contracts:scope_change_create": POST_ONLY,
    "contracts:scope_change_decide": POST_ONLY,
    "contracts:rate_line_create": POST_ONLY,
    "contracts:document_upload": POST_ONLY,
    "contracts:document_download": DOWNLOAD,
    "meetings:action_status": POST_ONLY,
    "meetings:respond": POST_ONLY,
    "meetings:agenda_add": POST_ONLY,
    "meetings:agenda_suggestion": POST_ONLY,
    "meetings:minutes": POST_ONLY,
    "meetings:invite": POST_ONLY,
    "meetings:record_attendance": POST_ONLY,
    "meetings:action_create": POST_ONLY,
    "meetings:ics": DOWNLOAD,
    "meetings:feed_new": POST_ONLY,
    "meetings:feed_revoke": POST_ONLY,
    "meetings:feed_scope": POST_ONLY,
    "meetings:feed": DOWNLOAD,
    "actionplans:transition": POST_ONLY,
    "actionplans:milestone_add": POST_ONLY,
    "actionplans:milestone_done": POST_ONLY,
    "actionplans:comment": POST_ONLY,
    "actionplans:escalate": POST_ONLY,
    "actionplans:file": DOWNLOAD,
    "disputes:export": DOWNLOAD,
    "disputes:similar": "htmx fragment of the dispute form (checked on that page)",
    "disputes:transition": POST_ONLY,
    "disputes:comment": POST_ONLY,
    "disputes:respond": POST_ONLY,
    "disputes:playbook": POST_ONLY,
    "disputes:clock": POST_ONLY,
    "disputes:attachment": DOWNLOAD,
    "scorecards:index": "redirect to the dashboard or the partner's scorecard",
    "scorecards:dashboard_export": DOWNLOAD,
    "scorecards:scorecard_pdf": DOWNLOAD,
    "scorecards:qbr_pdf": DOWNLOAD,
    "scorecards:publish": POST_ONLY,
    "scorecards:acknowledge": POST_ONLY,
    "scorecards:appeal": POST_ONLY,
    "scorecards:credit_move": POST_ONLY,
    "scorecards:credit_dispute": POST_ONLY,
}

# Prefixes outside the product's own pages: Django admin, the API (its browsable pages
# are checked separately, see API_PAGES), static files.
SKIPPED_PREFIXES = ("admin/", "api/", "static/", "media/")

# API pages a person opens in a browser: the interactive docs, and the JSON API itself.
API_PAGES = ["/api/v1/docs/", "/api/v1/", "/api/v1/disputes/"]


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    parametrised: bool


def all_routes() -> Iterator[Route]:
    """Every named route of the product's own pages, as ``namespace:name``."""

    def walk(patterns: list, prefix: str, namespace: str) -> Iterator[Route]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                route = prefix + str(entry.pattern)
                if route.startswith(SKIPPED_PREFIXES):
                    continue
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry.url_patterns, route, ns)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield Route(name, prefix + str(entry.pattern), bool(entry.pattern.converters))

    seen = set()
    for route in walk(get_resolver().url_patterns, "", ""):
        if route.name not in seen:
            seen.add(route.name)
            yield route


def unclassified_routes() -> list[str]:
    return sorted(
        r.name
        for r in all_routes()
        if r.name not in NOT_PAGES
        and r.name not in ANONYMOUS_PAGES
        and (r.parametrised and r.name not in PAGE_ARGS)
    )


def signed_in_pages(world: Any) -> list[tuple[str, str]]:
    """(route name, path) of every page a signed-in user may open, in a stable order."""
    pages = []
    for route in all_routes():
        if route.name in NOT_PAGES or route.name in ANONYMOUS_PAGES:
            continue
        if route.parametrised and route.name not in PAGE_ARGS:
            continue  # test_every_route_is_classified names it
        kwargs = PAGE_ARGS[route.name](world) if route.parametrised else {}
        pages.append((route.name, reverse(route.name, kwargs=kwargs)))
    return pages


def anonymous_pages() -> list[tuple[str, str]]:
    return [(name, reverse(name)) for name in sorted(ANONYMOUS_PAGES)]
