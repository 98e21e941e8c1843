"""The isolation matrix: every route × every method × every role, from the resolver.

The URL resolver lists every page, API and admin route; the OpenAPI schema every API
operation. Each route is requested once per method by anonymous callers, a partner of
another vendor, a partner of vendor A, an executive and a manager, with vendor A's
objects as parameters and canaries in every one of vendor A's text fields
(``tests/security/world.py``). Every answer must match the classification table
(``tests/security/routes.py``); no answer to the other vendor's partner (or to anyone
anonymous) may contain a canary; no answer to vendor A's partner may contain the
client's internal canary; and no refused request may change a row of a vendor-owned
table. A route the table does not classify fails the suite.

The whole matrix runs once per module, in one transaction rolled back at the end.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve

from tests.security import matrix
from tests.security.routes import ADMIN_PREFIX, API, KNOWN_GAPS, PAGES, entry_for
from tests.security.world import (
    CANARY,
    INTERNAL_CANARY,
    build_world,
    changed_tables,
    openapi_schema,
)

# The module's tests read one shared result; the mark makes pytest-django set up the test
# database, which the module-scoped run needs.
pytestmark = pytest.mark.django_db

PAGE_METHODS = matrix.PAGE_METHODS
API_METHODS = matrix.API_METHODS


def methods_for(pattern: matrix.Pattern, entry) -> tuple[str, ...]:
    if pattern.suffix:
        return ("GET",)  # the same view again, asked for JSON by suffix
    if pattern.is_admin:
        return ("GET", "POST")
    return API_METHODS if pattern.is_api else PAGE_METHODS


def _cast():
    from tests.factories import UserFactory, VendorFactory
    from vendorhub.models import Role

    vendor_a = VendorFactory(slug="acme-contact", name="Acme Contact", timezone="Asia/Manila")
    vendor_b = VendorFactory(slug="borealis-cx", name="Borealis CX", timezone="Europe/Lisbon")
    return {
        "vendor_a": vendor_a,
        "vendor_b": vendor_b,
        "manager": UserFactory(username="manager", role=Role.MANAGER),
        "executive": UserFactory(username="executive", role=Role.EXECUTIVE),
        "partner_a": UserFactory(username="partner_a", role=Role.PARTNER, vendor=vendor_a),
        "partner_b": UserFactory(username="partner_b", role=Role.PARTNER, vendor=vendor_b),
    }


@pytest.fixture(scope="module")
def result(django_db_setup, django_db_blocker, tmp_path_factory):
    """Run the matrix once; everything it wrote is rolled back afterwards."""
    media = tmp_path_factory.mktemp("matrix-media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            AXES_ENABLED=False,
            SECURE_SSL_REDIRECT=False,
        ),
        transaction.atomic(),
    ):
        world = build_world(**_cast())
        outcome = matrix.run(world, entry_for, methods_for)
        transaction.set_rollback(True)
    return outcome


def _keys() -> list[str]:
    keys = []
    for pattern in matrix.routes():
        if not pattern.is_admin and pattern.key not in keys:
            keys.append(pattern.key)
    return keys


def _describe(cell: matrix.Cell, want: str) -> str:
    return f"{cell.method} {cell.url} as {cell.role}: {cell.outcome} ({cell.status}), want {want}"


def test_every_route_is_classified(result):
    assert result.unclassified == [], (
        "Routes without an entry in tests/security/routes.py: add one for each (which of "
        "vendor A's objects its parameters name, and the outcome of each method for each "
        f"role): {result.unclassified}"
    )


def test_every_api_operation_of_the_schema_is_classified():
    """The schema and the table agree: each documented operation is classified, with
    its method listed explicitly for the route it resolves to."""
    missing = []
    for path, item in openapi_schema()["paths"].items():
        concrete = path.replace("{", "").replace("}", "")  # "/api/v1/disputes/id/"
        try:
            match = resolve(concrete)
        except Resolver404:
            missing.append(f"{path}: resolves to no route")
            continue
        entry = API.get(f"api:{match.url_name}")
        for method in item:
            if method.upper() not in API_METHODS:
                continue
            if entry is None or method.upper() not in entry.expect:
                missing.append(f"{method.upper()} {path} (api:{match.url_name})")
    assert missing == [], f"Classify these schema operations in routes.API: {missing}"


@pytest.mark.parametrize("key", _keys())
def test_route(result, key):
    """One route: every cell as classified, no canary leaked, no refused write."""
    cells = [c for c in result.cells if c.key in (key, f"{key} (.json)")]
    if entry_for(key) is None:
        pytest.fail(f"{key!r} is not classified in tests/security/routes.py")
    assert cells, f"{key} was never requested"
    wrong = [
        _describe(c, result.expected[(c.key, c.method, c.role)])
        for c in cells
        if (c.key, c.method, c.role) not in KNOWN_GAPS
        and not matrix.matches(result.expected[(c.key, c.method, c.role)], c.outcome)
    ]
    leaks = [f"{c.method} {c.url} as {c.role}: {c.leaks}" for c in cells if c.leaks]
    writes = [f"{c.method} {c.url} as {c.role} changed {c.changed}" for c in cells if c.changed]
    assert (wrong, leaks, writes) == ([], [], [])


def test_the_admin_is_for_superusers_only(result):
    cells = [c for c in result.cells if c.key.startswith(ADMIN_PREFIX)]
    wrong = [
        _describe(c, result.expected[(c.key, c.method, c.role)])
        for c in cells
        if not matrix.matches(result.expected[(c.key, c.method, c.role)], c.outcome)
    ]
    leaks = [f"{c.url} as {c.role}: {c.leaks}" for c in cells if c.leaks]
    writes = [f"{c.method} {c.url} as {c.role} changed {c.changed}" for c in cells if c.changed]
    assert len({c.key for c in cells}) > 50
    assert (wrong, leaks, writes) == ([], [], [])


@pytest.mark.parametrize(
    "gap",
    [
        pytest.param(gap, marks=pytest.mark.xfail(strict=True, reason=reason), id=" ".join(gap))
        for gap, reason in KNOWN_GAPS.items()
    ],
)
def test_known_gap_now_answers_404(result, gap):
    """Strict xfails: each turns red when the `core` branch lands 404 for it; then
    delete it from routes.KNOWN_GAPS."""
    cell = next(c for c in result.cells if (c.key, c.method, c.role) == gap)
    assert cell.outcome == result.expected[gap], _describe(cell, result.expected[gap])


def test_the_matrix_is_complete_and_clean(result):
    """The figures docs/security.md quotes, and proof that the canaries are visible
    where they may be (else "no leak" would prove nothing)."""
    cells = result.cells
    refused_writes = [c for c in cells if c.method not in matrix.SAFE and c.outcome != matrix.OK]
    other = [c for c in cells if c.role == matrix.OTHER]
    shown_to_a = {c.key for c in cells if c.role == matrix.SAME and CANARY in c.seen}
    internal_to_client = {
        c.key for c in cells if c.role == matrix.MANAGER and INTERNAL_CANARY in c.seen
    }
    print(
        f"\nisolation matrix: {result.routes} routes ({len(PAGES)} pages, {len(API)} API, "
        f"{result.routes - len(PAGES) - len(API)} admin), {result.requests} requests, "
        f"{len(other)} as the other vendor's partner, {len(refused_writes)} refused writes, "
        f"{sum(bool(c.leaks) for c in cells)} leaks, "
        f"{sum(bool(c.changed) for c in cells)} refused requests that wrote; canaries shown "
        f"to vendor A's partner on {len(shown_to_a)} routes, internal ones to the manager "
        f"on {len(internal_to_client)}"
    )
    assert result.requests > 3000
    assert not [c for c in cells if c.outcome == matrix.ERROR]
    assert all(not c.leaks for c in cells)
    # The canaries reach those allowed to see them: pages, JSON, CSV, ICS and files.
    for key in (
        "contracts/<int:pk>/",
        "contracts/documents/<int:pk>/",
        "disputes/export.csv",
        "disputes/<str:reference>/files/<int:event_id>/",
        "meetings/<int:pk>/meeting.ics",
        "api:dispute-detail",
        "api:dispute-timeline",
    ):
        assert key in shown_to_a, key
    assert {"vendors/<slug:slug>/", "contracts/<int:pk>/"} <= internal_to_client


def test_the_write_detector_sees_every_write(db, vendor_a):
    """A refused request is checked with these counters: they must move on any write."""
    from tests.security.world import owned_tables, write_counters

    tables = owned_tables()
    before = write_counters(tables)
    vendor_a.notes = vendor_a.notes  # the same value: still a write
    vendor_a.save(update_fields=["notes"])
    assert "vendorhub_vendor" in changed_tables(before, write_counters(tables))


def test_a_route_missing_from_the_table_is_reported(settings):
    """Add a route the table does not know: the enumeration names it."""
    settings.ROOT_URLCONF = "tests.security.extra_urls"
    clear_url_caches()
    try:
        keys = [p.key for p in matrix.routes()]
        assert "unclassified/<int:pk>/" in keys
        assert entry_for("unclassified/<int:pk>/") is None
    finally:
        clear_url_caches()
