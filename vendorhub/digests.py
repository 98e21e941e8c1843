"""The daily digest: one e-mail a day per user who asked for it instead of one each."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import EmailOutbox, Notification, NotificationDelivery, Reminder, User
from .notifications import absolute_url
from .outbox_kick import outbox_queued


def send_digests(now: datetime) -> int:
    """One e-mail a day per digest user with the unread notifications of the last 24 h."""
    since = now - timedelta(days=1)
    users = User.objects.filter(
        is_active=True, notification_delivery=NotificationDelivery.DIGEST
    ).exclude(email="")
    pending = (
        Notification.objects.filter(
            recipient__in=users, created_at__gte=since, created_at__lt=now, read_at__isnull=True
        )
        .select_related("recipient")
        .order_by("recipient_id", "-created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in pending:
        by_user.setdefault(notification.recipient_id, []).append(notification)
    count = 0
    day = now.astimezone(timezone.UTC).date()
    for items in by_user.values():
        user = items[0].recipient
        key = f"digest:user:{user.pk}:{day.isoformat()}"
        context = {
            "user": user,
            "items": [
                {"message": n.message, "url": absolute_url(n.url) if n.url else ""} for n in items
            ],
            "preferences_url": absolute_url("/accounts/profile/"),
        }
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    key=key,
                    kind="digest",
                    stage=day.isoformat(),
                    message=f"Daily digest: {len(items)} notifications",
                    recipient_count=1,
                    created_at=now,
                )
                EmailOutbox.objects.create(
                    recipient=user,
                    to_email=user.email,
                    subject=f"[VendorHub] Your daily digest: {len(items)} new",
                    body_text=render_to_string("email/digest.txt", context),
                    body_html=render_to_string("email/digest.html", context),
                    reminder=reminder,
                    send_after=now,
                    created_at=now,
                )
        except IntegrityError:
            continue
        count += 1
    if count:
        outbox_queued()
    return count
