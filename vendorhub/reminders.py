"""The reminder sweeps, each a plain function ``sweep_x(now) -> int``.

``run_all_sweeps`` is what beat's ``send_reminders`` task and the ``send_reminders``
command call. Apps register their sweeps in ``SWEEPS`` as they land (disputes,
meetings, contracts); each must be idempotent through a unique key in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

SWEEPS: dict[str, Callable[[datetime], int]] = {}


def register(name: str) -> Callable[[Callable[[datetime], int]], Callable[[datetime], int]]:
    def decorator(func: Callable[[datetime], int]) -> Callable[[datetime], int]:
        SWEEPS[name] = func
        return func

    return decorator


def run_all_sweeps(now: datetime) -> dict[str, int]:
    """Run every registered sweep once, in registration order; return the counts."""
    return {name: sweep(now) for name, sweep in SWEEPS.items()}
