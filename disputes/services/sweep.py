"""Writes the reminder sweep makes on a dispute (its timeline entry, the escalation
ladder)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from vendorhub.models import User

from ..models import (
    UNRESOLVED,
    Dispute,
    DisputeEvent,
    EventKind,
)
from .common import (
    _event,
)

if TYPE_CHECKING:
    from collections.abc import Iterable


# --- for the reminder sweep (issue "reminders") ----------------------------------------
@transaction.atomic
def dispute_record_reminder(
    *, dispute: Dispute, stage: str, now: datetime, recipients: Iterable[User] = ()
) -> DisputeEvent:
    """Put 'reminder sent' on the shared timeline (who was told is the sweep's business)."""
    names = ", ".join(str(u) for u in recipients)
    body = f"Reminder ({stage}) sent" + (f" to {names}." if names else ".")
    return _event(dispute, kind=EventKind.REMINDER, by=None, body=body, now=now)


@transaction.atomic
def dispute_escalate_level(*, dispute: Dispute, level: int, now: datetime, reason: str) -> bool:
    """Raise the escalation ladder to ``level`` (never lowers it). True if it changed.

    Conditional on the level, not the version: the sweep must not fail because a person
    just edited the dispute, and two sweeps racing only escalate once.
    """
    updated = Dispute.objects.filter(
        pk=dispute.pk, escalation_level__lt=level, status__in=UNRESOLVED
    ).update(escalation_level=level)
    if not updated:
        return False
    dispute.escalation_level = level
    _event(
        dispute,
        kind=EventKind.ESCALATION,
        by=None,
        body=f"Escalated to level {level}: {reason}",
        now=now,
    )
    return True
