"""Who may see and change what.

One rule for the whole product (SPEC section 2): every read of vendor-owned data goes
through the model's ``QuerySet.visible_to(user)``; an object outside the user's scope
is a 404, exactly like an object that does not exist, so existence never leaks. A role
that may read an object but not change it gets a 403.

For a single vendor, three predicates answer every question pages, the API, templates
(``{% load access_tags %}``) and notifications ask, all from one binding rule (a
partner is bound to exactly one vendor; the client side to none):

- ``may_see_vendor``: the client side sees every vendor, a partner its own;
- ``acts_for_vendor``: managers act for every vendor, a partner for its own;
- ``speaks_for_vendor``: only the vendor's own partners (acknowledging its scorecard).
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

    from .models import User, Vendor


def _signed_in(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _vendor_pk(vendor: Vendor | int | None) -> int | None:
    return vendor if vendor is None or isinstance(vendor, int) else vendor.pk


def speaks_for_vendor(user: User | None, vendor: Vendor | int | None) -> bool:
    """``user`` is a partner bound to this very vendor: the vendor's own staff."""
    vendor_id = _vendor_pk(vendor)
    return bool(
        _signed_in(user)
        and user.is_partner
        and vendor_id is not None
        and user.vendor_id == vendor_id
    )


def may_see_vendor(user: User | None, vendor: Vendor | int | None) -> bool:
    """The client side sees every vendor (and what concerns no vendor); a partner only
    its own. The single-object form of ``visible_to``."""
    if not _signed_in(user):
        return False
    if not user.is_partner:
        return True
    return speaks_for_vendor(user, vendor)


def acts_for_vendor(user: User | None, vendor: Vendor | int | None) -> bool:
    """May ``user`` act (write) on this vendor's behalf or about it?

    Managers act for every vendor; a partner only for its own; executives for none.
    """
    return can_manage(user) or speaks_for_vendor(user, vendor)


def require_acts_for_vendor(user: User, vendor: Vendor | int, message: str) -> None:
    """403 with ``message`` unless ``acts_for_vendor`` (the 404 for another vendor's
    object comes first, from the scoped lookup)."""
    if not acts_for_vendor(user, vendor):
        raise PermissionDenied(message)


def get_for_user[M: Model](queryset: QuerySet[M], user: User, **lookup: Any) -> M:
    """The object matching ``lookup`` among those ``user`` may see, else 404."""
    return get_object_or_404(queryset.visible_to(user), **lookup)


def can_manage(user: User | None) -> bool:
    """Managers (and administrators) edit everything on every vendor."""
    return _signed_in(user) and user.is_manager


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
