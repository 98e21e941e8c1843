"""Action items agreed at meetings, and the ones that carry over to the next."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from vendorhub.access import can_manage, require_manager

from ..models import (
    ActionItem,
    ActionStatus,
    Meeting,
)

if TYPE_CHECKING:
    from vendorhub.models import User


# --- Action items -----------------------------------------------------------------------
@transaction.atomic
def action_item_create(
    *,
    meeting: Meeting,
    title: str,
    side: str,
    due_date: date,
    by: User,
    owner: User | None = None,
    owner_name: str = "",
) -> ActionItem:
    """An action agreed at ``meeting``; managers assign them to either side."""
    if not can_manage(by):
        raise PermissionDenied("Only vendor managers assign action items.")
    item = ActionItem(
        vendor_id=meeting.vendor_id,
        meeting=meeting,
        title=title,
        side=side or (owner.side if owner else ""),
        due_date=due_date,
        owner=owner,
        owner_name=owner_name,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_update(
    *, item: ActionItem, by: User, status: str, notes: str | None = None
) -> ActionItem:
    """Move an action item on. Partners may update only the items they own."""
    if not can_manage(by) and not (by.is_partner and item.owner_id == by.pk):
        raise PermissionDenied("You may only update your own action items.")
    if status not in ActionStatus.values:
        raise ValidationError({"status": f"“{status}” is not an action-item status."})
    item.status = status
    if notes is not None:
        item.notes = notes
    item.completed_at = timezone.now() if status == ActionStatus.DONE else None
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_save(*, item: ActionItem, by: User) -> ActionItem:
    """A manager's full edit (or creation) of an action item; its vendor follows the
    meeting's, and ``completed_at`` follows the status."""
    require_manager(by)
    item.vendor_id = item.meeting.vendor_id
    if item.status == ActionStatus.DONE and item.completed_at is None:
        item.completed_at = timezone.now()
    elif item.status != ActionStatus.DONE:
        item.completed_at = None
    item.full_clean()
    item._history_user = by  # type: ignore[attr-defined]
    item.save()
    return item


def carried_over_actions(meeting: Meeting):
    """Open action items raised at earlier meetings of the same series: they stay on
    every next meeting's agenda until they are done (SPEC: action items carry over)."""
    if not meeting.series_id:
        return ActionItem.objects.none()
    return (
        ActionItem.objects.open()
        .filter(meeting__series_id=meeting.series_id, meeting__start__lt=meeting.start)
        .select_related("owner", "meeting")
        .order_by("due_date", "id")
    )
