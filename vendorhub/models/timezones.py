"""IANA time zones: the only zone names users, vendors and sites may have."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    pass


def validate_timezone(value: str) -> None:
    """Only IANA names: times are converted with zoneinfo everywhere."""
    if value not in available_timezones():
        raise ValidationError(f"“{value}” is not an IANA time zone (e.g. Europe/Berlin).")


_TIMEZONES: frozenset[str] | None = None


def available_timezones() -> frozenset[str]:
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = frozenset(zoneinfo.available_timezones())
    return _TIMEZONES


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_timezones())]
