"""Disputes are made through the service, so clocks and references are real."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from disputes import services
from disputes.models import Dispute
from vendorhub.models import User, Vendor


def make_dispute(
    *,
    vendor: Vendor,
    by: User,
    type: str = "underperformance",
    severity: str = "medium",
    title: str = "Service level below target",
    description: str = "Service level was 71 % against 80 % in the week of 3 March.",
    now: datetime | None = None,
    **details: Any,
) -> Dispute:
    return services.dispute_create(
        by=by,
        vendor=vendor,
        type=type,
        severity=severity,
        title=title,
        description=description,
        now=now,
        **details,
    )


def move(dispute: Dispute, by: User, *statuses: str) -> Dispute:
    """Walk ``dispute`` through ``statuses`` in order (as ``by``)."""
    for status in statuses:
        services.dispute_transition(dispute=dispute, to=status, by=by, note=f"to {status}")
    return dispute
