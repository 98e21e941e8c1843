"""Small helpers shared by the pages and the API."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from .models import PeriodKind, parse_period


def default_period(today: date | None = None) -> tuple[str, date]:
    """The last closed month: what a monthly review looks at."""
    today = today or timezone.localdate()
    last_month_end = today.replace(day=1) - timedelta(days=1)
    return PeriodKind.MONTH, last_month_end.replace(day=1)


def resolve_period(raw: str | None) -> tuple[str, date]:
    """``YYYY-MM`` / ``YYYY-Qn`` or, when empty, the last closed month."""
    if not raw:
        return default_period()
    return parse_period(raw)
