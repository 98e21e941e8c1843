"""DRF permission and error handling named in settings.

Kept apart from ``api.py``: DRF loads these while defining its own views, so this
module must not import DRF views itself.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .access import can_manage


class RolePermission(BasePermission):
    """Signed-in users read; managers write; others only where a view opens an action.

    ``view.any_role_write_actions``: actions on the caller's own things (mark read).
    ``view.partner_write_actions``: actions partners perform (respond, raise, ...).
    """

    message = "Your role may read this but not change it."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in SAFE_METHODS or can_manage(user):
            return True
        action_name = getattr(view, "action", None)
        if action_name in getattr(view, "any_role_write_actions", ()):
            return True
        return user.is_partner and action_name in getattr(view, "partner_write_actions", ())


def exception_handler(exc, context):
    """DRF's handler, plus model validation and integrity errors as 400 JSON, not 500."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = ValidationError(detail=detail)
    elif isinstance(exc, IntegrityError):
        exc = ValidationError(detail={"non_field_errors": ["This conflicts with existing data."]})
    return drf_exception_handler(exc, context)
