"""Agenda points: added by hand, or proposed from the vendor's urgent disputes, overdue
actions and overdue action-plan milestones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..models import (
    ActionItem,
    AgendaItem,
    AgendaSource,
    Meeting,
    MeetingStatus,
)

if TYPE_CHECKING:
    from vendorhub.models import User


# --- Agenda -----------------------------------------------------------------------------
@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    by: User,
    notes: str = "",
    source: str = AgendaSource.MANUAL,
    dispute=None,
    action_item: ActionItem | None = None,
) -> AgendaItem:
    """Append a point to the agenda. Partners may add points to their vendor's
    meetings (the scope check is the caller's ``visible_to``); executives may not."""
    if by.is_executive:
        raise PermissionDenied("Your role may read agendas but not change them.")
    if meeting.status in (MeetingStatus.CANCELLED,):
        raise ValidationError({"meeting": "This meeting is cancelled."})
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        vendor_id=meeting.vendor_id,
        meeting=meeting,
        position=last + 1,
        title=title.strip(),
        notes=notes,
        source=source,
        dispute=dispute,
        action_item=action_item,
        added_by=by,
    )
    item.full_clean()
    item.save()
    return item


def _fit_title(text: str) -> str:
    """An agenda title made from another row's title, shortened to fit an agenda point
    (an action title may already be as long as one)."""
    limit = AgendaItem._meta.get_field("title").max_length
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Suggestion:
    """A proposed agenda point taken from live data; ``key`` identifies it for one click."""

    key: str
    title: str
    reason: str
    urgency: int  # lower is more urgent
    url: str = ""


SEVERITY_URGENCY = {"critical": 0, "high": 1}


def agenda_suggestions(
    *, meeting: Meeting, user: User, today: date | None = None
) -> list[Suggestion]:
    """Open high/critical disputes, overdue action items and overdue action-plan
    milestones of the meeting's vendor, most urgent first, minus what is already on the
    agenda. Three queries plus two for what is on the agenda."""
    from disputes.models import Dispute

    today = today or timezone.localdate()
    on_agenda = meeting.agenda_items.values_list("dispute_id", "action_item_id")
    linked_disputes = {d for d, _ in on_agenda if d}
    linked_actions = {a for _, a in on_agenda if a}
    suggestions = []
    disputes = (
        Dispute.objects.visible_to(user)
        .open()
        .filter(vendor_id=meeting.vendor_id, severity__in=tuple(SEVERITY_URGENCY))
        .only("id", "reference", "title", "severity", "created_at")
        .order_by("created_at")[:20]
    )
    for dispute in disputes:
        if dispute.pk in linked_disputes:
            continue
        age = (timezone.now() - dispute.created_at).days
        suggestions.append(
            Suggestion(
                key=f"dispute:{dispute.pk}",
                title=f"{dispute.reference}: {dispute.title}",
                reason=f"{dispute.get_severity_display()} dispute, open {age} days",
                urgency=SEVERITY_URGENCY[dispute.severity] * 100_000 - age,
                url=dispute.get_absolute_url(),
            )
        )
    actions = (
        ActionItem.objects.visible_to(user)
        .overdue(today)
        .filter(vendor_id=meeting.vendor_id)
        .select_related("owner")
        .order_by("due_date")[:20]
    )
    for item in actions:
        if item.pk in linked_actions:
            continue
        late = (today - item.due_date).days
        suggestions.append(
            Suggestion(
                key=f"action:{item.pk}",
                title=f"Overdue action: {item.title}",
                reason=f"{item.owner_display}, due {item.due_date:%d %b}, {late} days late",
                urgency=200_000 - late,
            )
        )
    suggestions += _milestone_suggestions(meeting, user, today)
    return sorted(suggestions, key=lambda s: s.urgency)


def _milestone_title(milestone) -> str:
    return _fit_title(f"Overdue milestone ({milestone.plan.reference}): {milestone.title}")


def _milestone_suggestions(meeting: Meeting, user: User, today: date) -> list[Suggestion]:
    """Overdue milestones of the vendor's open action plans (SPEC section 6: they appear
    on the next meeting's agenda). One query, and one for what is on the agenda."""
    from actionplans.models import Milestone

    milestones = (
        Milestone.objects.visible_to(user)
        .overdue(today)
        .filter(vendor_id=meeting.vendor_id)
        .select_related("plan")
        .order_by("due_date", "id")[:20]
    )
    on_agenda = set(
        meeting.agenda_items.filter(source=AgendaSource.PLAN_MILESTONE).values_list(
            "title", flat=True
        )
    )
    suggestions = []
    for milestone in milestones:
        title = _milestone_title(milestone)
        if title in on_agenda:
            continue
        late = (today - milestone.due_date).days
        suggestions.append(
            Suggestion(
                key=f"milestone:{milestone.pk}",
                title=title,
                reason=f"{milestone.get_owner_side_display()} side, due "
                f"{milestone.due_date:%d %b}, {late} days late",
                urgency=150_000 - late,
                url=milestone.plan.get_absolute_url(),
            )
        )
    return suggestions


@transaction.atomic
def agenda_suggestion_add(*, meeting: Meeting, key: str, by: User) -> AgendaItem:
    """One click: turn a suggestion (``dispute:<id>``, ``action:<id>`` or
    ``milestone:<id>``) into a point.
    The referenced row is looked up inside the user's scope and the meeting's vendor,
    so a forged key can never link another vendor's data."""
    from disputes.models import Dispute

    kind, _, raw_id = key.partition(":")
    if not raw_id.isdigit():
        raise ValidationError({"key": "Unknown suggestion."})
    if kind == "dispute":
        dispute = (
            Dispute.objects.visible_to(by)
            .filter(vendor_id=meeting.vendor_id, pk=int(raw_id))
            .first()
        )
        if dispute is None:
            raise ValidationError({"key": "Unknown suggestion."})
        return agenda_item_add(
            meeting=meeting,
            title=f"{dispute.reference}: {dispute.title}",
            by=by,
            source=AgendaSource.DISPUTE,
            dispute=dispute,
        )
    if kind == "action":
        item = (
            ActionItem.objects.visible_to(by)
            .filter(vendor_id=meeting.vendor_id, pk=int(raw_id))
            .first()
        )
        if item is None:
            raise ValidationError({"key": "Unknown suggestion."})
        return agenda_item_add(
            meeting=meeting,
            title=_fit_title(f"Overdue action: {item.title}"),
            by=by,
            source=AgendaSource.ACTION_ITEM,
            action_item=item,
        )
    if kind == "milestone":
        from actionplans.models import Milestone

        milestone = (
            Milestone.objects.visible_to(by)
            .filter(vendor_id=meeting.vendor_id, pk=int(raw_id))
            .select_related("plan")
            .first()
        )
        if milestone is None:
            raise ValidationError({"key": "Unknown suggestion."})
        return agenda_item_add(
            meeting=meeting,
            title=_milestone_title(milestone),
            notes=f"Action plan {milestone.plan.reference} “{milestone.plan.title}”: "
            f"{milestone.plan.get_absolute_url()}",
            by=by,
            source=AgendaSource.PLAN_MILESTONE,
        )
    raise ValidationError({"key": "Unknown suggestion."})
