"""Creating notifications: the one place later apps call to tell somebody something.

Partners are only ever told about their own vendor: ``notify`` drops a recipient who
cannot see the vendor the message is about, so a caller's mistake cannot leak data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from .models import Notification, User

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .models import Vendor


def may_be_told_about(user: User, vendor: Vendor | None) -> bool:
    if not user.is_active:
        return False
    if vendor is None:
        return not user.is_partner
    return not user.is_partner or user.vendor_id == vendor.pk


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    message: str,
    url: str = "",
    vendor: Vendor | None = None,
) -> list[Notification]:
    """Create one in-app notification per allowed recipient (duplicates collapsed)."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user.pk in seen or not may_be_told_about(user, vendor):
            continue
        seen.add(user.pk)
        rows.append(
            Notification(recipient=user, vendor=vendor, kind=kind, message=message, url=url)
        )
    return Notification.objects.bulk_create(rows)


def mark_all_read(user: User, now) -> int:
    return Notification.objects.visible_to(user).unread().update(read_at=now)
