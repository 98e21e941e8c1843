"""What a contact-centre platform says about one queue in one interval, as raw counts.

Platforms report finished percentages and averages; a contract's service level, ASA,
AHT and abandonment rate must instead be computed from *summed counts* over whatever
period is scored (SPEC section 6). So every parser reduces its platform's response to
``IntervalCounts``: additive numbers only (counts and total seconds), which can be
summed across intervals, queues and days without losing anything. Averages become
totals here (ASA × answered, AHT × handled) for that reason.

A field is ``None`` when the payload does not state it (e.g. no short-abandon metric
was requested); ``None`` is "unknown", never 0, so the KPI layer can tell "no short
abandons" from "the platform did not say".

The parsers never raise on bad input: they return every problem as a ``ParseError``
with a JSON-path-like ``path`` into the payload, so an import can show them all at once
and store nothing (all-or-nothing is the import service's job).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The media VendorHub distinguishes; a platform's other media map to "".
MEDIA = ("voice", "chat", "email")


@dataclass(frozen=True)
class IntervalCounts:
    """One queue × medium × interval of a platform's counts.

    ``start``/``end`` are aware datetimes in UTC (the platform's interval, end
    exclusive). Times are totals in seconds, so they add up: ASA is
    ``answer_wait_seconds / answered``, AHT is ``handle_seconds / handled``.
    """

    queue: str
    media: str
    start: datetime
    end: datetime
    offered: int
    answered: int
    abandoned: int
    handled: int
    handle_seconds: float
    answered_in_threshold: int | None = None
    threshold_seconds: float | None = None
    short_abandoned: int | None = None
    short_abandon_seconds: float | None = None
    answer_wait_seconds: float | None = None

    @property
    def key(self) -> tuple[str, str, datetime, datetime]:
        """What makes a row unique in a parse result (and in an import)."""
        return (self.queue, self.media, self.start, self.end)

    def local_day(self, tz: ZoneInfo) -> date | None:
        """The calendar day in ``tz`` that holds the whole interval, else ``None``.

        A daily interval requested in UTC straddles two days in Manila; it cannot be
        given to either without inventing a split, so the caller must refuse it (or
        request the data in the vendor's zone, as the connectors do).
        """
        day = self.start.astimezone(tz).date()
        next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
        return day if self.end <= next_midnight else None

    def combine(self, other: IntervalCounts) -> IntervalCounts:
        """The sum of two rows' counts (queue, media and interval are ``self``'s).

        A nullable figure stays known only if both rows know it; answers within a
        threshold are only added when both rows used the same threshold.
        """

        def both(a, b):
            return None if a is None or b is None else a + b

        same_threshold = self.threshold_seconds == other.threshold_seconds
        same_short = self.short_abandon_seconds == other.short_abandon_seconds
        return replace(
            self,
            offered=self.offered + other.offered,
            answered=self.answered + other.answered,
            abandoned=self.abandoned + other.abandoned,
            handled=self.handled + other.handled,
            handle_seconds=self.handle_seconds + other.handle_seconds,
            answered_in_threshold=(
                both(self.answered_in_threshold, other.answered_in_threshold)
                if same_threshold
                else None
            ),
            threshold_seconds=self.threshold_seconds if same_threshold else None,
            short_abandoned=(
                both(self.short_abandoned, other.short_abandoned) if same_short else None
            ),
            short_abandon_seconds=self.short_abandon_seconds if same_short else None,
            answer_wait_seconds=both(self.answer_wait_seconds, other.answer_wait_seconds),
        )


def merge_rows(rows: Iterable[IntervalCounts]) -> list[IntervalCounts]:
    """One row per ``key``, duplicates summed, in a stable order (start, queue, media).

    Platforms know more media than VendorHub (Genesys ``message`` and ``chat`` are both
    chat here), so two platform rows can land on one key: their counts add up.
    """
    merged: dict[tuple, IntervalCounts] = {}
    for row in rows:
        merged[row.key] = merged[row.key].combine(row) if row.key in merged else row
    return sorted(merged.values(), key=lambda r: (r.start, r.end, r.queue, r.media))


@dataclass(frozen=True)
class ParseError:
    """One problem in a payload: where (``path``), which figure (``field``), and why."""

    path: str
    field: str
    message: str


@dataclass
class ParseResult:
    """A parser's answer: the rows it could read and every error it found.

    An import must refuse the whole payload when ``errors`` is not empty; ``rows`` is
    then only what was readable, for a preview.
    """

    rows: list[IntervalCounts] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors
