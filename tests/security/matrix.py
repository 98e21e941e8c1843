"""The isolation matrix: enumerate every route, request it as every role, classify.

``routes()`` walks Django's URL resolver; ``run(world, ...)`` sends every classified
route × method × role once and records what came back: the outcome class, the canaries
found in the body and headers, and the tables a refused request changed. The table of
what each cell must be lives in ``tests/security/routes.py``; the assertions in
``test_isolation_matrix.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.security.world import (
    CANARY,
    INTERNAL_CANARY,
    World,
    changed_tables,
    owned_tables,
    write_counters,
)

# --- Roles and outcome classes ----------------------------------------------------------
ANON, OTHER, SAME, EXEC, MANAGER = "anonymous", "other_partner", "same_partner", "exec", "manager"
ROLES = (ANON, OTHER, SAME, EXEC, MANAGER)

OK = "ok"  # answered: 2xx, a redirect elsewhere than log-in, or a validation answer
HIDDEN = "404"  # outside the caller's scope: exactly like a missing object
DENIED = "403"  # in scope, but the role may not do this
LOGIN = "login"  # anonymous: sent to log in (pages) or 401 (API)
NOT_ALLOWED = "405"  # the route does not take this method
REFUSED = "refused"  # 403, 404 or 405: a method the route takes from no one
ERROR = "500"  # never expected


def matches(expected: str, outcome: str) -> bool:
    if expected == REFUSED:
        return outcome in (DENIED, HIDDEN, NOT_ALLOWED)
    return expected == outcome


PAGE_METHODS = ("GET", "POST", "PUT", "DELETE")
API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
SAFE = ("GET", "HEAD", "OPTIONS")

# A write body with the field names most forms and serializers take, so that a missing
# permission check would actually write something (and the fingerprint would see it).
PROBE = "matrix-probe"
PAGE_BODY = {
    "title": PROBE,
    "body": PROBE,
    "note": PROBE,
    "notes": PROBE,
    "name": PROBE,
    "reason": PROBE,
    "summary": PROBE,
    "minutes": PROBE,
    "status": "accepted",
    "to": "under_review",
    "key": "root_cause",
    "done": "1",
    "side": "vendor",
    "period": "2025-01",
    "kpi": "service_level",
}
API_BODY = {
    "title": PROBE,
    "body": PROBE,
    "note": PROBE,
    "notes": PROBE,
    "name": PROBE,
    "status": "accepted",
    "to": "under_review",
    "side": "vendor",
    "value": 1,
}


# --- Enumerating routes -------------------------------------------------------------------
@dataclass(frozen=True)
class Pattern:
    """One URL pattern as the resolver has it."""

    key: str  # the table key: the route ("vendors/<slug:slug>/") or "api:<name>"
    route: str  # the full pattern text
    name: str | None  # "namespace:name" when named
    suffix: bool = False  # a DRF ``.json`` format-suffix twin of another route

    @property
    def is_api(self) -> bool:
        return self.key.startswith("api:")

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str | None]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = ":".join(p for p in (namespace, entry.namespace or "") if p)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name


def routes() -> list[Pattern]:
    """Every URL pattern of the project, in resolver order, one ``Pattern`` each."""
    found = []
    for route, name in _walk(get_resolver().url_patterns):
        is_router = route.startswith("api/v1/") and ("^" in route or "drf_format_suffix" in route)
        if is_router:
            suffix = "(?P<format>" in route or "drf_format_suffix" in route
            found.append(Pattern(f"api:{name}", route, name, suffix))
        elif route.startswith("api/v1/"):
            found.append(Pattern(f"api:{name}", route, name))
        else:
            found.append(Pattern(route, route, name))
    return found


# --- Sending requests ---------------------------------------------------------------------
@dataclass
class Cell:
    key: str
    method: str
    role: str
    url: str
    status: int
    outcome: str
    leaks: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    seen: tuple[str, ...] = ()  # every canary in the answer, allowed or not


def outcome_of(response, *, api: bool, role: str) -> str:
    status = response.status_code
    if status >= 500:
        return ERROR
    if role == ANON and (status == 401 or (api and status == 403)):
        return LOGIN
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response.headers.get("Location", "")).path
        if target.startswith(("/accounts/login/", "/admin/login/")):
            return LOGIN
        return OK
    if status in (403, 404, 405):
        return str(status)
    return OK


def body_text(response) -> str:
    """Body and headers as text, ICS lines unfolded, streamed files read in full."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    text = raw.decode("utf-8", errors="replace").replace("\r\n ", "").replace("\n ", "")
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    return f"{headers}\n{text}"


def forbidden_canaries(role: str) -> tuple[str, ...]:
    """What ``role`` must never read about vendor A."""
    if role in (ANON, OTHER):
        return (CANARY, INTERNAL_CANARY)
    if role == SAME:
        return (INTERNAL_CANARY,)
    return ()


@dataclass
class Clients:
    users: dict[str, object]
    pages: dict[str, Client]
    api: dict[str, APIClient]

    def ensure_logged_in(self, role: str) -> bool:
        """Log ``role`` back in if a request (log-out) ended its session; True if so."""
        if role == ANON:
            return False
        again = False
        for client in (self.pages[role], self.api[role]):
            if "_auth_user_id" not in client.session:
                client.force_login(self.users[role])
                again = True
        return again


def clients_for(world: World) -> Clients:
    users = {
        OTHER: world.partner_b,
        SAME: world.partner_a,
        EXEC: world.executive,
        MANAGER: world.manager,
    }
    clients = Clients(users, {ANON: Client()}, {ANON: APIClient()})
    for role in users:
        clients.pages[role] = Client()
        # Session auth for the API: the same permission checks as a token, without
        # depending on how tokens are stored.
        clients.api[role] = APIClient()
        clients.ensure_logged_in(role)
    return clients


def url_for(pattern: Pattern, kwargs: dict) -> str:
    if pattern.is_admin:
        return admin_url(pattern.route)
    if pattern.is_api and pattern.name and pattern.suffix:
        kwargs = {**kwargs, "format": "json"}
    return reverse(pattern.name, kwargs=kwargs)


def admin_url(route: str) -> str:
    """A concrete address for an admin pattern: ids 1, app ``vendorhub``."""
    url = re.sub(r"<(?:\w+:)?\w+>", "1", route)
    url = re.sub(r"\(\?P<app_label>[^)]*\)", "vendorhub", url)
    url = re.sub(r"\(\?P<\w+>\.\*\)", "no-such-page/", url)
    url = url.replace("([^/]+)", "1").replace("^", "").replace("$", "")
    return "/" + url


def send(clients: Clients, pattern: Pattern, method: str, role: str, url: str, body=None):
    response = _send(clients, pattern, method, role, url, body)
    if response.status_code == 429:  # a throttle counts the matrix's own requests
        cache.clear()
        response = _send(clients, pattern, method, role, url, body)
    return response


def _send(clients: Clients, pattern: Pattern, method: str, role: str, url: str, body=None):
    if pattern.is_api:
        data = json.dumps(API_BODY if body is None else body)
        return clients.api[role].generic(method, url, data, content_type="application/json")
    client = clients.pages[role]
    if method == "POST":
        return client.post(url, PAGE_BODY if body is None else body)
    if method == "GET":
        return client.get(url)
    return client.generic(method, url)


class Prober:
    """Sends requests; the owned tables' write counters after each one show exactly
    which request wrote what (a refusal must write nothing)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.clients = clients_for(world)
        self.tables = owned_tables()
        self.last = write_counters(self.tables)
        self.requests = 0

    def probe(self, pattern: Pattern, method: str, role: str, url: str, body=None) -> Cell:
        response = send(self.clients, pattern, method, role, url, body)
        self.requests += 1
        outcome = outcome_of(response, api=pattern.is_api, role=role)
        text = body_text(response)
        seen = tuple(c for c in (CANARY, INTERNAL_CANARY) if c in text)
        leaks = [c for c in forbidden_canaries(role) if c in seen]
        now = write_counters(self.tables)
        changed = changed_tables(self.last, now)
        self.last = now
        if self.clients.ensure_logged_in(role):
            self.refresh()
        if outcome == OK:
            changed = []  # an allowed write may write
        return Cell(
            pattern.key, method, role, url, response.status_code, outcome, leaks, changed, seen
        )

    def refresh(self) -> None:
        """Take the fingerprint again (after something outside a request wrote)."""
        self.last = write_counters(self.tables)


@dataclass
class Result:
    cells: list[Cell]
    expected: dict[tuple[str, str, str], str]  # (key, method, role) → outcome class
    unclassified: list[str]
    requests: int
    routes: int


def run(world: World, entry_for, methods_for) -> Result:
    """Every classified route × method × role, once, in resolver order."""
    prober = Prober(world)
    cells, expected, unclassified, seen = [], {}, [], set()
    for pattern in routes():
        if (pattern.key, pattern.suffix) in seen:
            continue  # a shadowed duplicate (two "accounts/login/" patterns)
        seen.add((pattern.key, pattern.suffix))
        entry = entry_for(pattern.key)
        if entry is None:
            unclassified.append(pattern.key)
            continue
        for method in methods_for(pattern, entry):
            for index, role in enumerate(ROLES):
                kwargs = entry.args(world, role)
                if entry.stateful:
                    prober.refresh()
                body = entry.body(world) if entry.body and method not in SAFE else None
                cell = prober.probe(pattern, method, role, url_for(pattern, kwargs), body)
                row = entry.expect.get(method)
                want = row[index] if row else (entry.others if role == ANON else REFUSED)
                if pattern.suffix:
                    cell.key = f"{pattern.key} (.json)"
                expected[(cell.key, method, role)] = want
                cells.append(cell)
    return Result(cells, expected, unclassified, prober.requests, len(seen))
