"""Relationship factors on a scorecard: disputes, meeting attendance, overdue actions.

They come from the disputes and meetings apps, read in a bounded number of grouped
queries for any number of vendors. They are shown beside the KPI score, not mixed
into it: a relationship is judged on both, and the numbers stay explainable.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone

if TYPE_CHECKING:
    from collections.abc import Iterable

ATTENDANCE_DAYS = 90


def _aware(day: date, end: bool = False) -> datetime:
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    return timezone.make_aware(moment, timezone.get_default_timezone())


def relationship_factors(
    vendor_ids: Iterable[int], start: date, end: date, *, today: date | None = None
) -> dict[int, dict[str, Any]]:
    """Per vendor: disputes opened / resolved in [start, end], median days to resolve,
    attendance rate per side over the 90 days up to the period end, overdue actions."""
    from disputes.models import Dispute
    from meetings.models import ActionItem
    from meetings.services import attendance_rates

    ids = list(vendor_ids)
    today = today or timezone.localdate()
    since, until = _aware(start), _aware(end, end=True)
    result: dict[int, dict[str, Any]] = {
        vid: {
            "disputes_opened": 0,
            "disputes_resolved": 0,
            "median_days_to_resolve": None,
            "attendance_client": None,
            "attendance_vendor": None,
            "overdue_actions": 0,
        }
        for vid in ids
    }
    if not ids:
        return result
    opened = (
        Dispute.objects.filter(vendor_id__in=ids, created_at__gte=since, created_at__lt=until)
        .values("vendor_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in opened:
        result[row["vendor_id"]]["disputes_opened"] = row["n"]
    durations: dict[int, list[float]] = defaultdict(list)
    resolved = Dispute.objects.filter(
        vendor_id__in=ids, resolved_at__gte=since, resolved_at__lt=until
    ).values_list("vendor_id", "created_at", "resolved_at")
    for vendor_id, created_at, resolved_at in resolved:
        durations[vendor_id].append((resolved_at - created_at).total_seconds() / 86400)
    for vendor_id, days in durations.items():
        result[vendor_id]["disputes_resolved"] = len(days)
        result[vendor_id]["median_days_to_resolve"] = round(statistics.median(days), 1)
    rates = attendance_rates(ids, until - timedelta(days=ATTENDANCE_DAYS), until)
    for vendor_id, sides in rates.items():
        for side in ("client", "vendor"):
            rate = sides.get(side)
            result[vendor_id][f"attendance_{side}"] = None if rate is None else round(rate * 100, 1)
    overdue = (
        ActionItem.objects.filter(vendor_id__in=ids)
        .overdue(today)
        .values("vendor_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in overdue:
        result[row["vendor_id"]]["overdue_actions"] = row["n"]
    return result


def open_disputes_by_type_and_age(
    vendor_ids: Iterable[int], now: datetime | None = None
) -> dict[int, dict[str, Any]]:
    """Open disputes per vendor: by type and by age bucket (≤7, 8–30, >30 days), 1 query."""
    from disputes.models import Dispute

    now = now or timezone.now()
    ids = list(vendor_ids)
    week, month = now - timedelta(days=7), now - timedelta(days=30)
    rows = (
        Dispute.objects.filter(vendor_id__in=ids)
        .open()
        .values("vendor_id", "type")
        .annotate(
            n=Count("id"),
            fresh=Count("id", filter=Q(created_at__gte=week)),
            old=Count("id", filter=Q(created_at__lt=month)),
        )
        .order_by()
    )
    result: dict[int, dict[str, Any]] = {
        vid: {"total": 0, "by_type": {}, "age": {"fresh": 0, "middle": 0, "old": 0}} for vid in ids
    }
    for row in rows:
        entry = result[row["vendor_id"]]
        entry["total"] += row["n"]
        entry["by_type"][row["type"]] = row["n"]
        entry["age"]["fresh"] += row["fresh"]
        entry["age"]["old"] += row["old"]
        entry["age"]["middle"] += row["n"] - row["fresh"] - row["old"]
    return result
