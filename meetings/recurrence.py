"""The recurrence builder: the cadences people ask for, as words and as an RRULE.

Nobody on either side should have to write ``FREQ=MONTHLY;INTERVAL=3;BYDAY=1TH``. The
series form offers the four cadences vendor governance uses (weekly, fortnightly,
monthly on the nth weekday, quarterly on the nth weekday) and builds the rule; any
other rule stays possible as the "advanced" raw RRULE. ``describe`` turns a rule back
into a sentence for the pages, and ``parse`` recognises the builder's own rules so an
edit form opens on the builder rather than on the raw text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Repeat(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Every month, on the nth weekday"
    QUARTERLY = "quarterly", "Every quarter, on the nth weekday of the month"
    CUSTOM = "custom", "Custom rule (advanced: iCalendar RRULE)"


WEEKDAYS = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
]
WEEKDAY_NAMES = dict(WEEKDAYS)
#: Which weekday of the month; "last" because "the 5th Friday" skips most months.
NTHS = [("1", "first"), ("2", "second"), ("3", "third"), ("4", "fourth"), ("-1", "last")]
NTH_NAMES = dict(NTHS)

_PATTERNS = {
    # (FREQ, INTERVAL, has nth) -> Repeat
    ("WEEKLY", "1", False): Repeat.WEEKLY,
    ("WEEKLY", "2", False): Repeat.FORTNIGHTLY,
    ("MONTHLY", "1", True): Repeat.MONTHLY,
    ("MONTHLY", "3", True): Repeat.QUARTERLY,
}


@dataclass(frozen=True)
class Cadence:
    repeat: str
    weekday: str
    nth: str = ""


def build(cadence: Cadence) -> str:
    """The RRULE for a builder cadence (``Repeat.CUSTOM`` has none)."""
    day = cadence.weekday
    if cadence.repeat == Repeat.WEEKLY:
        return f"FREQ=WEEKLY;BYDAY={day}"
    if cadence.repeat == Repeat.FORTNIGHTLY:
        return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}"
    if cadence.repeat == Repeat.MONTHLY:
        return f"FREQ=MONTHLY;BYDAY={cadence.nth}{day}"
    if cadence.repeat == Repeat.QUARTERLY:
        return f"FREQ=MONTHLY;INTERVAL=3;BYDAY={cadence.nth}{day}"
    raise ValueError(f"No rule is built for {cadence.repeat!r}.")


def _parts(rule: str) -> dict[str, str] | None:
    parts: dict[str, str] = {}
    for chunk in rule.strip().strip(";").split(";"):
        if "=" not in chunk:
            return None
        key, _, value = chunk.partition("=")
        parts[key.strip().upper()] = value.strip().upper()
    return parts


def parse(rule: str) -> Cadence | None:
    """The builder cadence ``rule`` is, or None when only the raw rule can say it."""
    parts = _parts(rule)
    if not parts or set(parts) - {"FREQ", "INTERVAL", "BYDAY"} or "BYDAY" not in parts:
        return None
    byday = parts["BYDAY"]
    if "," in byday or len(byday) < 2:
        return None
    nth, day = byday[:-2], byday[-2:]
    if day not in WEEKDAY_NAMES or (nth and nth.lstrip("+") not in NTH_NAMES):
        return None
    nth = nth.lstrip("+")
    repeat = _PATTERNS.get((parts["FREQ"], parts.get("INTERVAL", "1"), bool(nth)))
    if repeat is None:
        return None
    return Cadence(repeat=repeat, weekday=day, nth=nth)


def describe(rule: str) -> str:
    """A sentence for the rule: "Every other Tuesday", "The first Thursday of every
    month"; a rule the builder does not make is shown as itself."""
    cadence = parse(rule)
    if cadence is None:
        return f"Custom rule {rule}"
    day = WEEKDAY_NAMES[cadence.weekday]
    if cadence.repeat == Repeat.WEEKLY:
        return f"Every {day}"
    if cadence.repeat == Repeat.FORTNIGHTLY:
        return f"Every other {day}"
    nth = NTH_NAMES[cadence.nth]
    if cadence.repeat == Repeat.MONTHLY:
        return f"The {nth} {day} of every month"
    return f"The {nth} {day} of every third month (quarterly)"
