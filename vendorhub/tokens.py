"""API tokens: issued by ``POST /api/v1/auth/token/``, sent as ``Authorization: Token <key>``.

The public form is unchanged from DRF's authtoken, but the key is never stored: the
database keeps its SHA-256 digest (``ApiToken``), looked up by digest. A plain hash is
enough because the key is 256 random bits, not a password: there is nothing to
brute-force, and an index lookup by digest leaks nothing usable through timing. Each
log-in issues a new key valid for ``API_TOKEN_LIFETIME`` (default 30 days); expired
keys of the user are deleted then, and only the newest ``API_TOKEN_MAX_PER_USER`` are
kept. A deactivated user's tokens stop working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiToken

if TYPE_CHECKING:
    from .models import User

KEYWORD = "Token"
MAX_KEY_LENGTH = 128


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User, now: datetime | None = None) -> tuple[str, ApiToken]:
    """A new key for ``user`` (returned once, in clear) and its stored row."""
    now = now or timezone.now()
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=token_digest(key),
        prefix=key[:8],
        created_at=now,
        expires_at=now + settings.API_TOKEN_LIFETIME,
    )
    keep = int(getattr(settings, "API_TOKEN_MAX_PER_USER", 10))
    older = list(
        ApiToken.objects.filter(user=user)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[keep:]
    )
    if older:
        ApiToken.objects.filter(pk__in=older).delete()
    return key, token


def api_tokens_revoke(*, user: User) -> int:
    """Invalidate every key of ``user`` (e.g. after a password change)."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


class TokenAuthentication(BaseAuthentication):
    """``Authorization: Token <key>`` against the stored digests."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2 or len(parts[1]) > MAX_KEY_LENGTH:
            raise AuthenticationFailed("Invalid token header: use 'Token <key>'.")
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("Invalid token header: use 'Token <key>'.") from None
        token = (
            ApiToken.objects.live()
            .select_related("user", "user__vendor")
            .filter(digest=token_digest(key))
            .first()
        )
        if token is None or not token.user.is_active:
            raise AuthenticationFailed("Invalid or expired token; request a new one.")
        return token.user, token

    def authenticate_header(self, request) -> str:
        return KEYWORD  # makes DRF answer 401 (not 403) to unauthenticated API calls


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents the scheme in the OpenAPI schema (as DRF's own token auth was)."""

    target_class = "vendorhub.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                'Token-based authentication with required prefix "Token"; tokens expire '
                "(request a new one from /api/v1/auth/token/)."
            ),
        }
