from __future__ import annotations

from django.http import HttpRequest

from .access import can_manage, is_client_side
from .models import Notification


def navigation(request: HttpRequest) -> dict:
    """What the base layout needs: role flags and the unread count (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_manage": can_manage(user),
        "is_client_side": is_client_side(user),
        "unread_count": Notification.objects.visible_to(user).unread().count(),
    }
