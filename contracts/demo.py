"""The contracts part of ``seed_demo`` (idempotent)."""

from __future__ import annotations


def seed(demo) -> None:
    """Add this app's demo rows; ``demo`` holds the vendors and users made so far."""
