"""Connectors: fetch a platform's raw response for a connection and a time window.

A ``Connector`` knows one platform's API and nothing of VendorHub's KPIs: ``fetch``
returns the payload exactly as the platform's parser reads it (pages and windows
concatenated into one response), so a scheduled pull and a file a manager uploads go
through the same parser. Everything shared by the HTTP clients lives here: the error
classes a task can act on, the retry policy (backoff on 429 and 5xx), the credentials
lookup and the splitting of a long window into the platform's allowed query spans.
"""

from __future__ import annotations

import os
import random
import time as time_module
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from platforms.models import PlatformConnection


class ConnectorError(Exception):
    """A pull that cannot succeed as configured; retrying now will not help."""


class CredentialsMissing(ConnectorError):
    """The credentials the connection names are not configured on this server."""


class PlatformRejected(ConnectorError):
    """The platform refused the request (bad credentials, unknown queue, bad query)."""


class PlatformUnavailable(ConnectorError):
    """The platform kept failing (429, 5xx, timeouts) after every retry: try later."""


class Connector(Protocol):
    """Fetches one platform's response for ``connection`` between ``start`` and ``end``."""

    platform: str

    def fetch(self, connection: PlatformConnection, start: datetime, end: datetime) -> Any: ...


RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, honouring a server's ``Retry-After``.

    One policy for both platforms, so operations reason about one behaviour; ``sleep``
    is injectable so that tests do not wait.
    """

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    sleep: Callable[[float], None] = field(default=time_module.sleep, compare=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (the delta form; dates are ignored)."""
    try:
        return float(value) if value else None
    except ValueError:
        return None


REQUIRED_CREDENTIALS = {
    "genesys_cloud": ("CLIENT_ID", "CLIENT_SECRET"),
    "amazon_connect": ("ACCESS_KEY_ID", "SECRET_ACCESS_KEY"),
}
OPTIONAL_CREDENTIALS = {"amazon_connect": ("SESSION_TOKEN",)}


def connection_credentials(connection: PlatformConnection) -> dict[str, str]:
    """The secrets ``connection.credentials_ref`` points at, read at the moment of use.

    ``settings.PLATFORM_CREDENTIALS[ref]`` (a dict with the keys below) wins; otherwise
    the environment variables ``<ref>_CLIENT_ID``/``<ref>_CLIENT_SECRET`` (Genesys
    Cloud) or ``<ref>_ACCESS_KEY_ID``/``<ref>_SECRET_ACCESS_KEY``[``/_SESSION_TOKEN``]
    (Amazon Connect). An Amazon Connect connection without a ref gets ``{}``: boto3's
    own chain (the server's IAM role) applies. Keys come back lower-cased.
    """
    ref = connection.credentials_ref
    required = REQUIRED_CREDENTIALS[connection.platform]
    optional = OPTIONAL_CREDENTIALS.get(connection.platform, ())
    if not ref:
        if connection.platform == "amazon_connect":
            return {}
        raise CredentialsMissing(f"{connection}: no credentials_ref is configured.")
    configured = getattr(settings, "PLATFORM_CREDENTIALS", {}).get(ref)
    if configured is not None:
        source = {str(k).upper(): str(v) for k, v in dict(configured).items()}
        where = f"settings.PLATFORM_CREDENTIALS[{ref!r}]"
    else:
        source = {name: os.environ.get(f"{ref}_{name}", "") for name in (*required, *optional)}
        where = "the environment"
    missing = [f"{ref}_{name}" for name in required if not source.get(name)]
    if missing:
        raise CredentialsMissing(f"{connection}: {', '.join(missing)} not set in {where}.")
    return {name.lower(): source[name] for name in (*required, *optional) if source.get(name)}


def local_windows(
    start: datetime, end: datetime, tz: ZoneInfo, max_days: int
) -> Iterator[tuple[datetime, datetime]]:
    """``[start, end)`` cut at local midnights into spans of at most ``max_days`` days.

    Platforms cap a query's span (Connect: under 35 days daily, under 3 days hourly);
    cutting at the vendor's midnights keeps every daily bucket whole.
    """
    cursor = start
    while cursor < end:
        day = cursor.astimezone(tz).date() + timedelta(days=max_days)
        boundary = datetime.combine(day, time(0), tzinfo=tz)
        stop = min(boundary, end)
        yield cursor, stop
        cursor = stop


def connector_for(connection: PlatformConnection) -> Connector:
    """The connector of the connection's platform, with the default policy."""
    if connection.platform == "genesys_cloud":
        from .genesys_cloud import GenesysCloudConnector

        return GenesysCloudConnector()
    if connection.platform == "amazon_connect":
        from .amazon_connect import AmazonConnectConnector

        return AmazonConnectConnector()
    raise ConnectorError(f"No connector for platform {connection.platform!r}.")
