"""API tokens, kept only as digests (issued and checked in ``vendorhub/tokens.py``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self, now=None) -> ApiTokenQuerySet:
        return self.filter(expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    """An API key for ``Authorization: Token <key>``, kept only as its SHA-256 digest.

    The key itself is shown once, when issued; a stolen database (or backup) holds no
    usable key. Keys expire after ``API_TOKEN_LIFETIME``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        max_length=8, editable=False, help_text="The key's first characters, to recognise it."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(db_index=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
