"""Who may see and change what.

One rule for the whole product (SPEC section 2): every read of vendor-owned data goes
through the model's ``QuerySet.visible_to(user)``; an object outside the user's scope
is a 404, exactly like an object that does not exist, so existence never leaks. A role
that may read an object but not change it gets a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.http import HttpRequest, HttpResponse

    from .models import User


def get_for_user[M: Model](queryset: QuerySet[M], user: User, **lookup: Any) -> M:
    """The object matching ``lookup`` among those ``user`` may see, else 404."""
    return get_object_or_404(queryset.visible_to(user), **lookup)


def can_manage(user: User) -> bool:
    """Managers (and administrators) edit everything on every vendor."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_manager)


def is_client_side(user: User) -> bool:
    """Managers and executives: they may see the client's internal notes and rankings."""
    return bool(getattr(user, "is_authenticated", False) and not user.is_partner)


def require_manager(user: User) -> None:
    if not can_manage(user):
        raise PermissionDenied("Only vendor managers may change this.")


def require_client_side(user: User) -> None:
    if not is_client_side(user):
        raise PermissionDenied("This page is for the client side only.")


def get_for_manager[M: Model](queryset: QuerySet[M], user: User, **lookup: Any) -> M:
    """For write views: 404 outside the user's scope first, then 403 for read-only roles."""
    obj = get_for_user(queryset, user, **lookup)
    require_manager(user)
    return obj


def manager_required[V: Callable[..., HttpResponse]](view: V) -> V:
    """Decorator for views that create things: managers only, 403 for everyone else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_manager(request.user)
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def client_side_required[V: Callable[..., HttpResponse]](view: V) -> V:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_client_side(request.user)
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
