"""Reading an untrusted JSON payload while collecting every error, never raising.

Both parsers walk a platform's response with one ``PayloadReader``: each accessor
returns the value or ``None`` and, when it returns ``None`` for a bad value, has
recorded a ``ParseError`` at the value's path. The parsers then only decide what a
figure means, not how to complain about it, and the messages read the same for every
platform.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from .counts import ParseError

# Epoch seconds beyond these are not a contact-centre interval (and would overflow).
_MIN_EPOCH = 0
_MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class PayloadReader:
    """Typed access to a payload; every refusal becomes a ``ParseError``."""

    def __init__(self) -> None:
        self.errors: list[ParseError] = []

    def error(self, path: str, field: str, message: str) -> None:
        self.errors.append(ParseError(path=path, field=field, message=message))

    def object(self, value: Any, path: str, field: str) -> dict | None:
        if isinstance(value, dict):
            return value
        self.error(path, field, f"expected an object, got {_kind(value)}")
        return None

    def array(self, value: Any, path: str, field: str) -> list | None:
        if isinstance(value, list):
            return value
        self.error(path, field, f"expected an array, got {_kind(value)}")
        return None

    def text(self, value: Any, path: str, field: str) -> str | None:
        if isinstance(value, str):
            return value
        self.error(path, field, f"expected a string, got {_kind(value)}")
        return None

    def number(self, value: Any, path: str, field: str) -> float | None:
        """A finite, non-negative number (a count or a duration)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(path, field, f"expected a number, got {_kind(value)}")
            return None
        if not math.isfinite(value):
            self.error(path, field, "expected a finite number")
            return None
        if value < 0:
            self.error(path, field, f"must not be negative (got {value:g})")
            return None
        return float(value)

    def count(self, value: Any, path: str, field: str) -> int | None:
        """A non-negative whole number; ``12.0`` is accepted (Connect sends doubles)."""
        number = self.number(value, path, field)
        if number is None:
            return None
        if not number.is_integer():
            self.error(path, field, f"expected a whole number of contacts, got {number:g}")
            return None
        return int(number)

    def instant(self, value: Any, path: str, field: str) -> datetime | None:
        """An aware instant: ISO 8601 with an offset, epoch seconds, or an aware datetime."""
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                self.error(path, field, f"“{value[:60]}” is not an ISO 8601 date-time")
                return None
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value) or not _MIN_EPOCH <= value <= _MAX_EPOCH:
                self.error(path, field, f"{value!r} is not a valid epoch time")
                return None
            return datetime.fromtimestamp(value, tz=UTC)
        else:
            self.error(path, field, f"expected an ISO 8601 date-time, got {_kind(value)}")
            return None
        if moment.tzinfo is None or moment.utcoffset() is None:
            self.error(path, field, f"“{value}” has no UTC offset; the instant is ambiguous")
            return None
        return moment.astimezone(UTC)

    def interval(self, value: Any, path: str) -> tuple[datetime, datetime] | None:
        """An ISO 8601 interval ``start/end`` (both with offsets), start before end."""
        text = self.text(value, path, "start")
        if text is None:
            return None
        parts = text.split("/")
        if len(parts) != 2:
            self.error(path, "start", f"“{text[:60]}” is not an ISO 8601 interval start/end")
            return None
        start = self.instant(parts[0], path, "start")
        end = self.instant(parts[1], path, "end")
        if start is None or end is None:
            return None
        if end <= start:
            self.error(path, "end", "the interval ends before it starts")
            return None
        return start, end
