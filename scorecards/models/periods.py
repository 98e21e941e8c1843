"""Scorecard periods (calendar months and quarters): bounds, labels, parsing."""

from __future__ import annotations

import calendar
from datetime import date

from django.db import models

from vendorhub import bounds


class PeriodKind(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"


# --- Periods ----------------------------------------------------------------------


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_bounds(kind: str, start: date) -> tuple[date, date]:
    """First and last day (inclusive) of the month or quarter that starts at ``start``."""
    if kind == PeriodKind.QUARTER:
        last_month = start.month + 2
        return start, month_end(date(start.year, last_month, 1))
    return start, month_end(start)


def period_label(kind: str, start: date) -> str:
    """The public period label: ``YYYY-MM`` for months, ``YYYY-Qn`` for quarters."""
    if kind == PeriodKind.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def parse_period(value: str) -> tuple[str, date]:
    """``2026-03`` → (month, 2026-03-01); ``2026-Q3`` → (quarter, 2026-07-01).

    Raises ``ValueError`` with a readable message for anything else, including a year
    outside ``vendorhub.bounds`` (``9999-Q4`` overflowed in the trend and credit maths).
    """
    value = (value or "").strip().upper()
    try:
        kind = PeriodKind.QUARTER if "-Q" in value else PeriodKind.MONTH
        year, part = value.split("-Q" if kind == PeriodKind.QUARTER else "-")
        year, part = int(year), int(part)
        if len(value.split("-")[0]) != 4 or not 1 <= part <= (4 if kind == "quarter" else 12):
            raise ValueError
    except (ValueError, TypeError):
        raise ValueError("Use YYYY-MM for a month or YYYY-Qn for a quarter.") from None
    if not bounds.MIN_YEAR <= year <= bounds.MAX_YEAR:
        raise ValueError(f"Choose a period between {bounds.MIN_YEAR} and {bounds.MAX_YEAR}.")
    month = 3 * (part - 1) + 1 if kind == PeriodKind.QUARTER else part
    return kind, date(year, month, 1)


def previous_periods(kind: str, start: date, count: int) -> list[date]:
    """The ``count`` period starts ending with ``start``, oldest first."""
    step = 3 if kind == PeriodKind.QUARTER else 1
    starts = []
    year, month = start.year, start.month
    for _ in range(count):
        starts.append(date(year, month, 1))
        month -= step
        while month < 1:
            month += 12
            year -= 1
    return list(reversed(starts))


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
