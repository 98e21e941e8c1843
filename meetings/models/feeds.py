"""The secret keys of private calendar-feed URLs."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


# --- Calendar feed --------------------------------------------------------------------
def new_feed_key() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedTokenQuerySet(models.QuerySet["CalendarFeedToken"]):
    def live(self) -> CalendarFeedTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class FeedScope(models.TextChoices):
    INVITED = "invited", "Meetings I am invited to or organise"
    ALL = "all", "All meetings I may see (managers)"


class CalendarFeedToken(models.Model):
    """A secret in a private feed URL. Revoking it kills the URL; a new one replaces it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    key = models.CharField(max_length=64, unique=True, default=new_feed_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(max_length=10, choices=FeedScope.choices, default=FeedScope.INVITED)

    objects = CalendarFeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
