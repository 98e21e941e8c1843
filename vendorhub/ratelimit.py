"""Rate limits for log-ins, token requests and password resets, shared by every worker.

Two things made the first version leak: the client address came from
``X-Forwarded-For`` as sent by the client (rotate the header, get a fresh budget), and
the count was a read-modify-write of a list in the cache, so concurrent workers
overwrote each other's hits. Here:

- ``client_ip`` trusts ``X-Forwarded-For`` only as far as ``TRUSTED_PROXY_COUNT``
  proxies of our own appended to it (default 0: ``REMOTE_ADDR``). DRF's
  ``NUM_PROXIES`` and django-axes (``AXES_CLIENT_IP_CALLABLE``) use the same rule.
- ``rate_limit_hit`` counts with the cache's atomic ``incr`` in fixed windows and
  estimates a sliding window from the previous one (current + previous × the part of
  it still inside the window), so a burst across a window boundary gets no second
  budget. With ``REDIS_URL`` the cache is Redis, shared by every web worker and host.

If the cache is unreachable the limit is skipped (and logged): an outage of Redis must
not lock every user out; django-axes' lock-outs (in the database) still apply.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache

if TYPE_CHECKING:
    from django.http import HttpRequest

log = logging.getLogger(__name__)

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])[a-z]*\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``"10/min"``, ``"5/15m"``, ``"3/hour"``, ``"100/day"``."""
        match = RATE.match(text or "")
        if not match:
            raise ValueError(f"Not a rate: {text!r} (expected e.g. '10/min' or '5/15m').")
        count, multiple, unit = match.groups()
        return cls(int(count), int(multiple or 1) * UNITS[unit.lower()])


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the estimate falls back under the limit (if refused)


def setting_rate(name: str) -> Rate:
    return Rate.parse(getattr(settings, name))


def client_ip(request: HttpRequest) -> str:
    """The address of the client, as far as our own proxies vouch for it."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            # Each trusted proxy appends the address it saw: the client is the entry
            # ``proxies`` from the right; anything left of it was written by the client.
            candidate = forwarded[-min(proxies, len(forwarded))]
            if _is_ip(candidate):
                return candidate
    return remote if _is_ip(remote) else "unknown"


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _key(scope: str, subject: str, window: int) -> str:
    # Hashed: usernames and e-mail addresses do not sit in the cache in clear.
    digest = hashlib.sha256(f"{scope}\0{subject}".encode()).hexdigest()[:40]
    return f"ratelimit:{scope}:{digest}:{window}"


def rate_limit_hit(
    *, scope: str, subject: str, rate: Rate, now: float | None = None, count: bool = True
) -> Verdict:
    """Count one event for ``subject`` (unless ``count`` is false) and say whether it is
    within ``rate``."""
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    elapsed = (now - window * rate.seconds) / rate.seconds
    current_key = _key(scope, subject, window)
    try:
        if count:
            cache.add(current_key, 0, timeout=2 * rate.seconds + 1)
            try:
                current = cache.incr(current_key)
            except ValueError:  # expired between add and incr
                cache.set(current_key, 1, timeout=2 * rate.seconds + 1)
                current = 1
        else:
            current = int(cache.get(current_key) or 0)
        previous = int(cache.get(_key(scope, subject, window - 1)) or 0)
    except Exception:
        log.exception("Rate limit %s skipped: the cache is unavailable", scope)
        return Verdict(allowed=True, retry_after=0)
    estimate = current + previous * (1 - elapsed)
    # Counting: this event is included, so up to ``rate.count`` events pass. Peeking:
    # the next event would be one more.
    over = estimate > rate.count if count else estimate + 1 > rate.count
    if not over:
        return Verdict(allowed=True, retry_after=0)
    return Verdict(allowed=False, retry_after=_retry_after(current, previous, elapsed, rate))


def _retry_after(current: int, previous: int, elapsed: float, rate: Rate) -> int:
    """Seconds until the sliding estimate drops back to the limit (at least 1)."""
    if previous and current <= rate.count:
        # Solve current + previous * (1 - f) <= count for the fraction f of this window.
        needed = 1 - (rate.count - current) / previous
        return max(1, math.ceil((needed - elapsed) * rate.seconds))
    return max(1, math.ceil((1 - elapsed) * rate.seconds) + rate.seconds * (current > rate.count))


# --- The policies ------------------------------------------------------------------
# Log-in (page and token endpoint): every attempt counts against the client address,
# across usernames (one address cannot spray many accounts); failures count against
# the username, across addresses (many addresses cannot share one account's guesses).


def _username(username: str) -> str:
    return (username or "").strip().casefold()


def login_attempt(request: HttpRequest, username: str) -> Verdict:
    """Count a log-in attempt; refused if the address or the username is over its limit."""
    by_ip = rate_limit_hit(
        scope="login-ip", subject=client_ip(request), rate=setting_rate("LOGIN_RATE_PER_IP")
    )
    if not by_ip.allowed:
        return by_ip
    return rate_limit_hit(
        scope="login-failures",
        subject=_username(username),
        rate=setting_rate("LOGIN_FAILURES_PER_USERNAME"),
        count=False,
    )


def login_attempt_allowed(username: str) -> bool:
    """Whether ``username`` may try a password now (for password checks outside the
    log-in page, e.g. the profile's e-mail change)."""
    return rate_limit_hit(
        scope="login-failures",
        subject=_username(username),
        rate=setting_rate("LOGIN_FAILURES_PER_USERNAME"),
        count=False,
    ).allowed


def login_failed(username: str) -> None:
    """Record a wrong password for ``username`` (whoever sent it)."""
    rate_limit_hit(
        scope="login-failures",
        subject=_username(username),
        rate=setting_rate("LOGIN_FAILURES_PER_USERNAME"),
    )


def password_reset_attempt(request: HttpRequest, email: str) -> bool:
    """Whether to send a reset e-mail. Both limits count every request, whether or not
    the address has an account, so the answer never tells which addresses exist."""
    by_ip = rate_limit_hit(
        scope="reset-ip",
        subject=client_ip(request),
        rate=setting_rate("PASSWORD_RESET_RATE_PER_IP"),
    )
    by_email = rate_limit_hit(
        scope="reset-email",
        subject=(email or "").strip().casefold(),
        rate=setting_rate("PASSWORD_RESET_RATE_PER_EMAIL"),
    )
    return by_ip.allowed and by_email.allowed
