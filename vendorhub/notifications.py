"""Creating notifications: the one place every app calls to tell somebody something.

Partners are only ever told about their own vendor: ``notify`` drops a recipient who
cannot see the vendor the message is about, so a caller's mistake cannot leak data.
Each notification is also queued as an e-mail (the outbox, sent by a Celery task) for
recipients who want e-mail immediately and have an address; digest users get theirs
once a day, in-app-only users never.

Callers notify *inside* the transaction of the change they announce, so the change and
its notifications commit together or not at all; only the request to a worker to send
the e-mails waits for the commit (``outbox.outbox_queued``), and a broker that is down
then delays the e-mails without failing the request. This module imports no task:
the outbox asks Celery for the sender by name.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .access import may_see_vendor
from .models import EmailOutbox, Notification, NotificationDelivery, User
from .outbox_kick import outbox_queued

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .models import Reminder, Vendor


def may_be_told_about(user: User, vendor: Vendor | None) -> bool:
    if not user.is_active:
        return False
    if vendor is None:
        return not user.is_partner
    return may_see_vendor(user, vendor)


def wants_email_now(user: User) -> bool:
    return bool(user.email) and user.notification_delivery == NotificationDelivery.IMMEDIATE


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    message: str,
    url: str = "",
    vendor: Vendor | None = None,
    subject: str | None = None,
    reminder: Reminder | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """One in-app notification per allowed recipient (duplicates collapsed), and an
    outbox e-mail for those who want it now, in the caller's transaction. The sender is
    asked to run after the commit."""
    now = now or timezone.now()
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user.pk in seen or not may_be_told_about(user, vendor):
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                vendor=vendor,
                kind=kind,
                message=message[:500],
                url=url,
                created_at=now,
            )
        )
    notifications = Notification.objects.bulk_create(rows)
    emails = [
        email_for_notification(n, subject=subject or message, reminder=reminder, now=now)
        for n in notifications
        if wants_email_now(n.recipient)
    ]
    if emails:
        EmailOutbox.objects.bulk_create(emails)
        outbox_queued()
    return notifications


def absolute_url(path: str) -> str:
    base = getattr(settings, "VENDORHUB_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{path}" if path.startswith("/") else path


def email_for_notification(
    notification: Notification, *, subject: str, reminder: Reminder | None, now: datetime
) -> EmailOutbox:
    user = notification.recipient
    context = {
        "user": user,
        "message": notification.message,
        "url": absolute_url(notification.url) if notification.url else "",
        "preferences_url": absolute_url("/accounts/profile/"),
    }
    return EmailOutbox(
        recipient=user,
        to_email=user.email,
        subject=f"[VendorHub] {subject}"[:255],
        body_text=render_to_string("email/notification.txt", context),
        body_html=render_to_string("email/notification.html", context),
        reminder=reminder,
        send_after=now,
        created_at=now,
    )


def mark_all_read(user: User, now) -> int:
    return Notification.objects.visible_to(user).unread().update(read_at=now)
