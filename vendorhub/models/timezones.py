"""IANA time zones: the only zone names users, vendors and sites may have."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
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


#: The zones a contact-centre relationship actually uses, by region. The full IANA
#: list (600 names with "Zulu", "W-SU" and "Etc/GMT+5") is a trap in a picker; any
#: other valid zone a vendor or a saved record has is added to the list it is shown in.
CURATED_TIMEZONES: dict[str, tuple[str, ...]] = {
    "Americas": (
        "America/Los_Angeles",
        "America/Denver",
        "America/Chicago",
        "America/Mexico_City",
        "America/New_York",
        "America/Toronto",
        "America/Bogota",
        "America/Lima",
        "America/Santiago",
        "America/Sao_Paulo",
        "America/Argentina/Buenos_Aires",
    ),
    "Europe and Africa": (
        "Europe/London",
        "Europe/Dublin",
        "Europe/Lisbon",
        "Africa/Casablanca",
        "Europe/Madrid",
        "Europe/Paris",
        "Europe/Amsterdam",
        "Europe/Berlin",
        "Europe/Zurich",
        "Europe/Rome",
        "Europe/Warsaw",
        "Europe/Stockholm",
        "Africa/Lagos",
        "Europe/Athens",
        "Europe/Bucharest",
        "Europe/Helsinki",
        "Europe/Istanbul",
        "Africa/Cairo",
        "Africa/Johannesburg",
        "Africa/Nairobi",
    ),
    "Asia and Pacific": (
        "Asia/Dubai",
        "Asia/Karachi",
        "Asia/Kolkata",
        "Asia/Colombo",
        "Asia/Dhaka",
        "Asia/Bangkok",
        "Asia/Ho_Chi_Minh",
        "Asia/Jakarta",
        "Asia/Kuala_Lumpur",
        "Asia/Singapore",
        "Asia/Manila",
        "Asia/Shanghai",
        "Asia/Hong_Kong",
        "Asia/Tokyo",
        "Asia/Seoul",
        "Australia/Perth",
        "Australia/Sydney",
        "Pacific/Auckland",
    ),
    "Other": ("UTC",),
}


def timezone_label(name: str, now: datetime | None = None) -> str:
    """ "Manila (Asia, UTC+08:00)": the city people know, and today's offset."""
    offset = (now or datetime.now(UTC)).astimezone(zoneinfo.ZoneInfo(name)).strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    if "/" not in name:
        return f"{name} ({offset})"
    region, _, city = name.partition("/")
    city = city.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city} ({region}, {offset})"


def curated_timezone_choices(*extra: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a ``<select>``: the curated zones plus ``extra`` valid ones
    (the vendors' zones, the value already saved), each labelled with its offset."""
    now = datetime.now(UTC)
    known = {name for names in CURATED_TIMEZONES.values() for name in names}
    others = sorted({name for name in extra if name and name not in known} & available_timezones())
    groups = []
    for region, names in CURATED_TIMEZONES.items():
        names = (*names, *others) if region == "Other" else names
        groups.append((region, [(name, timezone_label(name, now)) for name in names]))
    return groups
