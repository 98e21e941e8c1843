"""The isolation rule, checked on every page and API URL a partner can reach.

With the demo data loaded, a partner of Atlas crawls everything reachable from its home
page and the API root (GET only). Then a partner of Nordlicht asks for every one of
those URLs: each answer is a refusal (403/404/405) or a page of its own, and no answer
may mention Atlas. This covers URLs added later without anyone writing a test for them.
"""

from __future__ import annotations

import json
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from vendorhub.models import User

pytestmark = pytest.mark.django_db

LINK = re.compile(r'(?:href|hx-get|action)="([^"#]+)"')
SKIP_PREFIXES = ("/static/", "/admin/", "/accounts/logout/", "/api/v1/docs/", "/api/v1/schema/")
ATLAS_MARKERS = ("Atlas Contact", "atlas-contact", "paolo.atlas")
MAX_URLS = 600


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def links_in(response, base: str) -> list[str]:
    content_type = response.headers.get("Content-Type", "")
    body = body_of(response)
    if "json" in content_type:
        found = re.findall(r'"(?:url|next|previous)": ?"([^"]+)"', body)
        found += (
            [v for v in json.loads(body).values() if isinstance(v, str)]
            if body.startswith("{") and "/api/v1/" in base and base.rstrip("/").endswith("/api/v1")
            else []
        )
    else:
        found = LINK.findall(body)
    urls = []
    for raw in found:
        url = urljoin(base, raw.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith("/") or path.startswith(SKIP_PREFIXES):
            continue
        urls.append(path)
    return urls


def crawl(client: Client, starts: list[str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(starts)
    while queue and len(seen) < MAX_URLS:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, HTTP_ACCEPT="text/html,application/json")
        seen[url] = response.status_code
        if response.status_code == 200 and not response.streaming:
            queue.extend(u for u in links_in(response, url) if u not in seen)
    return seen


def test_a_partner_never_reaches_another_vendors_data():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    atlas = Client()
    atlas.force_login(User.objects.get(username="paolo.atlas"))
    reached = crawl(atlas, ["/", "/api/v1/"])
    assert len(reached) > 80, "the crawl should reach most of the portal"
    assert all(code < 500 for code in reached.values()), {
        u: c for u, c in reached.items() if c >= 500
    }

    nordlicht = Client()
    nordlicht.force_login(User.objects.get(username="lena.nordlicht"))
    leaks = {}
    refused = 0
    for url in reached:
        response = nordlicht.get(url, HTTP_ACCEPT="text/html,application/json")
        assert response.status_code < 500, url
        if response.status_code in (403, 404, 405):
            refused += 1
            continue
        body = body_of(response)
        # A filter echoing its own query string (?vendor=atlas-contact) reveals nothing.
        query = urlsplit(url).query
        hits = [marker for marker in ATLAS_MARKERS if marker in body and marker not in query]
        if hits:
            leaks[url] = (response.status_code, hits)
    print(
        f"\nisolation crawl: {len(reached)} URLs reached by Atlas's partner, asked again by "
        f"Nordlicht's: {refused} refused, {len(leaks)} leaks"
    )
    assert leaks == {}
    assert refused > 20, "Atlas's own objects must be refused to Nordlicht"
