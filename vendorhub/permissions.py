"""The DRF permission named in settings (errors: ``api_errors``).

Kept apart from ``api.py``: DRF loads this while defining its own views, so this
module must not import DRF views itself.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .access import acts_for_vendor, can_manage


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

    def has_object_permission(self, request, view, obj) -> bool:
        """A write to one object is for someone who acts for its vendor (the policy of
        ``vendorhub.access``); the role rule above has already let the action through."""
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "action", None) in getattr(view, "any_role_write_actions", ()):
            return True  # the caller's own things (their notifications)
        return acts_for_vendor(request.user, _vendor_of(obj))


def _vendor_of(obj) -> int | None:
    """The vendor an object belongs to (a vendor is its own); ``None`` for shared rows."""
    from .models import Vendor

    if isinstance(obj, Vendor):
        return obj.pk
    return getattr(obj, "vendor_id", None)
