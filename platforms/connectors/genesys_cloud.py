"""Genesys Cloud client: OAuth client credentials, then conversation aggregates queries.

1. ``POST https://login.<region>/oauth/token`` with HTTP Basic ``client_id:secret`` and
   ``grant_type=client_credentials`` → a bearer token (cached for its lifetime, and
   fetched again once if the API answers 401).
2. ``POST https://api.<region>/api/v2/analytics/conversations/aggregates/query`` with
   the interval, ``granularity`` (``P1D`` or ``PT1H``), ``timeZone`` (the connection's,
   so a day is the vendor's day), ``groupBy`` queueId and mediaType, a queue filter and
   the metrics ``genesys_cloud.METRICS``.

The aggregates response has no paging (``ConversationAggregateQueryResponse`` holds
only ``results``), so a long range is split into windows of at most
``WINDOW_DAYS`` local days and their ``results`` are concatenated; each window is one
query. 429 and 5xx answers and network errors are retried with backoff
(``RetryPolicy``, ``Retry-After`` honoured); other 4xx answers are refused at once.

httpx (pinned) rather than the Genesys SDK: two JSON calls do not justify the SDK's
thousands of generated models, and httpx gives explicit timeouts and a transport that
tests point at a local fake server.
"""

from __future__ import annotations

import time as time_module
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from platforms.genesys_cloud import METRICS

from . import (
    RETRY_STATUSES,
    PlatformRejected,
    PlatformUnavailable,
    RetryPolicy,
    connection_credentials,
    local_windows,
    parse_retry_after,
)

if TYPE_CHECKING:
    from platforms.models import PlatformConnection

QUERY_PATH = "/api/v2/analytics/conversations/aggregates/query"
TOKEN_PATH = "/oauth/token"  # noqa: S105 (a URL path, not a secret)
WINDOW_DAYS = 7
GRANULARITY = {"day": "P1D", "hour": "PT1H"}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def query_body(connection: PlatformConnection, start: datetime, end: datetime) -> dict:
    """The aggregates query for one window of ``connection``'s queues."""
    return {
        "interval": f"{_iso(start)}/{_iso(end)}",
        "granularity": GRANULARITY[connection.granularity],
        "timeZone": connection.tz_name,
        "groupBy": ["queueId", "mediaType"],
        "filter": {
            "type": "or",
            "predicates": [
                {"type": "dimension", "dimension": "queueId", "operator": "matches", "value": q}
                for q in connection.queue_ids
            ],
        },
        "metrics": list(METRICS),
    }


class GenesysCloudConnector:
    platform = "genesys_cloud"

    def __init__(
        self,
        *,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.transport = transport
        # (login host, credentials ref) → (token, monotonic expiry): one token per org.
        self._tokens: dict[tuple[str, str], tuple[str, float]] = {}

    def urls(self, connection: PlatformConnection) -> tuple[str, str]:
        """(login base, API base): the region's hosts, or ``base_url`` for both."""
        if connection.base_url:
            base = connection.base_url.rstrip("/")
            return base, base
        return f"https://login.{connection.region}", f"https://api.{connection.region}"

    def fetch(self, connection: PlatformConnection, start: datetime, end: datetime) -> dict:
        """Every window's ``results``, concatenated into one aggregates response."""
        login, api = self.urls(connection)
        results: list[Any] = []
        with httpx.Client(timeout=self.timeout, transport=self.transport) as http:
            for window_start, window_end in local_windows(
                start, end, connection.tzinfo, WINDOW_DAYS
            ):
                body = query_body(connection, window_start, window_end)
                page = self._query(http, connection, login, f"{api}{QUERY_PATH}", body)
                if not isinstance(page, dict) or not isinstance(page.get("results", []), list):
                    raise PlatformRejected(f"{connection}: unexpected aggregates response shape.")
                results.extend(page.get("results", []))
        return {"results": results}

    def _query(self, http, connection, login: str, url: str, body: dict) -> Any:
        token = self._access_token(http, connection, login)
        response = self._send(http, "POST", url, json=body, headers=_bearer(token))
        if response.status_code == 401:  # expired or revoked: one fresh token
            self._tokens.pop((login, connection.credentials_ref), None)
            token = self._access_token(http, connection, login)
            response = self._send(http, "POST", url, json=body, headers=_bearer(token))
        return _json(connection, response, "aggregates query")

    def _access_token(self, http: httpx.Client, connection, login: str) -> str:
        cached = self._tokens.get((login, connection.credentials_ref))
        if cached and cached[1] > time_module.monotonic():
            return cached[0]
        credentials = connection_credentials(connection)
        response = self._send(
            http,
            "POST",
            f"{login}{TOKEN_PATH}",
            data={"grant_type": "client_credentials"},
            auth=(credentials["client_id"], credentials["client_secret"]),
        )
        answer = _json(connection, response, "OAuth token request")
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise PlatformRejected(f"{connection}: the OAuth answer has no access_token.")
        lifetime = answer.get("expires_in")
        lifetime = lifetime if isinstance(lifetime, int | float) else 300
        # Renew a minute early so a long pull never sends a token on the edge of expiry.
        expiry = time_module.monotonic() + max(lifetime - 60, 0)
        self._tokens[(login, connection.credentials_ref)] = (token, expiry)
        return token

    def _send(self, http: httpx.Client, method: str, url: str, **kwargs) -> httpx.Response:
        """One request, retried on 429/5xx and network errors; the last answer returned."""
        for attempt in range(1, self.retry.attempts + 1):
            try:
                response = http.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                if attempt == self.retry.attempts:
                    raise PlatformUnavailable(f"{url}: {exc.__class__.__name__}: {exc}") from exc
                self.retry.sleep(self.retry.delay(attempt))
                continue
            if response.status_code not in RETRY_STATUSES:
                return response
            if attempt == self.retry.attempts:
                raise PlatformUnavailable(
                    f"{url}: HTTP {response.status_code} after {attempt} attempts."
                )
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            self.retry.sleep(self.retry.delay(attempt, retry_after))
        raise AssertionError("unreachable")  # pragma: no cover


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _json(connection, response: httpx.Response, what: str) -> Any:
    if response.status_code >= 400:
        raise PlatformRejected(
            f"{connection}: {what} refused with HTTP {response.status_code}: {response.text[:300]}"
        )
    try:
        return response.json()
    except ValueError as exc:
        raise PlatformRejected(f"{connection}: {what} answered something not JSON.") from exc
