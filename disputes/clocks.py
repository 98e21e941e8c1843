"""The dispute clocks as people see them: the severity matrix of due dates, and one
clock's state (ongoing, paused, met, breached). How they move is in ``services``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import models

#: Default (response days, resolution days) per severity; SPEC section 3 "Clocks".
DEFAULT_SLA_MATRIX: dict[str, tuple[int, int]] = {
    "critical": (1, 3),
    "high": (2, 7),
    "medium": (5, 14),
    "low": (10, 30),
}


def sla_matrix() -> dict[str, tuple[int, int]]:
    """The severity matrix: ``settings.DISPUTE_SLA_MATRIX`` overrides the default.

    The setting has the same shape as ``DEFAULT_SLA_MATRIX`` (days); missing severities
    fall back to the default so a partial override cannot break the clocks.
    """
    return {**DEFAULT_SLA_MATRIX, **getattr(settings, "DISPUTE_SLA_MATRIX", {})}


def sla_days(severity: str) -> tuple[int, int]:
    return sla_matrix()[severity]


class ClockState(models.TextChoices):
    ONGOING = "ongoing", "Ongoing"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    BREACHED = "breached", "Breached"
    NOT_APPLICABLE = "n/a", "Not applicable"


@dataclass(frozen=True)
class Clock:
    """One clock as shown to people: its state and the (effective) due time."""

    name: str
    state: str
    due_at: datetime | None
    stopped_at: datetime | None = None

    @property
    def label(self) -> str:
        return ClockState(self.state).label

    @property
    def badge(self) -> str:
        return {
            ClockState.MET: "ok",
            ClockState.BREACHED: "bad",
            ClockState.PAUSED: "info",
            ClockState.ONGOING: "warn",
        }.get(self.state, "")
