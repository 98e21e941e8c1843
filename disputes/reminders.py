"""Reminder sweep for disputes: overdue clocks and the escalation ladder.

A dispute past its response or resolution due date reminds the client owner and the
vendor's assignee (all the vendor's partners when nobody is assigned), once per clock
and due instant. Past the due date by the ladder's steps (default +3 days → level 1,
executives told; +7 days → level 2) it is escalated, each step on the timeline.

Everything the sweep does to one dispute — its reminders, their "reminder sent"
timeline entries, each escalation and the reminder that announces it — is one
transaction (``isolated``): a worker that dies half-way leaves nothing, so the next
run does it all; it never leaves a raised level whose executives were not told. A
dispute that fails is recorded and skipped; the others go on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings

from vendorhub.models import Role, User
from vendorhub.reminders import (
    isolated,
    keyset_chunks,
    register,
    register_relevance,
    remind,
    reminder_key,
    sent_keys,
)

from .models import Dispute
from .services import (
    _client_people_to_tell,
    _partners_to_tell,
    dispute_escalate_level,
    dispute_record_reminder,
)

DEFAULT_LADDER = ((3, 1), (7, 2))  # (days past due, level)


def escalation_ladder() -> tuple[tuple[int, int], ...]:
    """``settings.DISPUTE_ESCALATION_LADDER``: (days past the due date, level) pairs."""
    return tuple(sorted(getattr(settings, "DISPUTE_ESCALATION_LADDER", DEFAULT_LADDER)))


def overdue_clocks(dispute: Dispute, now: datetime) -> list[tuple[str, datetime]]:
    """The clocks of ``dispute`` that are past due at ``now``: (stage, due instant)."""
    clocks = []
    if dispute.responded_at is None and dispute.response_due_at < now:
        clocks.append(("response", dispute.response_due_at))
    if dispute.clock_paused_at is None and dispute.resolution_due_at < now:
        clocks.append(("resolution", dispute.resolution_due_at))
    return clocks


@register("disputes")
def sweep_overdue_disputes(now: datetime) -> int:
    """Remind and escalate every unresolved overdue dispute. Returns reminders sent."""
    sent = 0
    ladder = escalation_ladder()
    executives = list(User.objects.filter(role=Role.EXECUTIVE, is_active=True))
    overdue = Dispute.objects.overdue(now).select_related(
        "vendor__relationship_owner", "owner", "vendor_assignee"
    )
    for chunk in keyset_chunks(overdue, 500):
        # One query tells which reminders of this chunk went out on earlier runs, so a
        # steady-state sweep skips them without touching their disputes again.
        done = sent_keys(
            reminder_key(f"dispute.{stage}_overdue", d, stage, due)
            for d in chunk
            for stage, due in overdue_clocks(d, now)
        )
        for dispute in chunk:
            clocks, steps = _due_work(dispute, now, ladder, done)
            if clocks or steps:
                sent += isolated(
                    dispute, partial(_sweep_one, dispute, now, clocks, steps, executives)
                )
    return sent


Clock = tuple[str, datetime]


def _due_work(
    dispute: Dispute, now: datetime, ladder: tuple[tuple[int, int], ...], done: set[str]
) -> tuple[list[Clock], list[tuple[int, int]]]:
    """The clocks of ``dispute`` not reminded yet and the ladder steps it has reached
    (the ladder counts from the earliest missed due date). No query."""
    all_clocks = overdue_clocks(dispute, now)
    clocks = [
        (stage, due)
        for stage, due in all_clocks
        if reminder_key(f"dispute.{stage}_overdue", dispute, stage, due) not in done
    ]
    first_due = min(due for _stage, due in all_clocks)
    steps = [
        (days, level)
        for days, level in ladder
        if now >= first_due + timedelta(days=days) and dispute.escalation_level < level
    ]
    return clocks, steps


def _sweep_one(
    dispute: Dispute,
    now: datetime,
    clocks: list[Clock],
    steps: list[tuple[int, int]],
    executives: list[User],
) -> int:
    """Remind about ``clocks``, put each reminder on the timeline, climb ``steps``.

    Runs inside the dispute's transaction (``isolated``): the level, its timeline entry
    and the reminder to executives commit together or not at all.
    """
    first_due = min(due for _stage, due in overdue_clocks(dispute, now))
    sent = 0
    client = _client_people_to_tell(dispute)
    vendor_side = _partners_to_tell(dispute)
    for stage, due_at in clocks:
        label = "first response" if stage == "response" else "resolution"
        if remind(
            kind=f"dispute.{stage}_overdue",
            obj=dispute,
            stage=stage,
            due_at=due_at,
            recipients=client + vendor_side,
            message=f"{dispute.reference} “{dispute.title}” is past its {label} due date",
            url=dispute.get_absolute_url(),
            vendor=dispute.vendor,
            now=now,
        ):
            dispute_record_reminder(
                dispute=dispute, stage=f"{stage} overdue", now=now, recipients=client
            )
            sent += 1
    for days, level in steps:
        escalated = dispute_escalate_level(
            dispute=dispute,
            level=level,
            now=now,
            reason=f"overdue by more than {days} days",
        )
        # Not escalated: a concurrent run did it (and told people, in the same
        # transaction), or the dispute was resolved meanwhile.
        if escalated and remind(
            kind="dispute.escalated",
            obj=dispute,
            stage=f"level-{level}",
            due_at=first_due,
            recipients=client + vendor_side + executives,
            message=f"{dispute.reference} escalated to level {level}: "
            f"overdue by more than {days} days",
            url=dispute.get_absolute_url(),
            vendor=dispute.vendor,
            now=now,
        ):
            sent += 1
    return sent


@register_relevance("disputes.dispute")
def disputes_still_unresolved(ids: set[int]) -> set[int]:
    return set(Dispute.objects.filter(pk__in=ids).open().values_list("pk", flat=True))
