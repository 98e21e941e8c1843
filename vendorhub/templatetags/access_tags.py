"""The access rules in templates, so a template never re-derives them from roles.

``{% load access_tags %}`` then ``{% if user|acts_for:vendor %}`` (a vendor or its id):
the same ``vendorhub.access`` predicates the views and services check, so a button is
shown exactly when the write behind it would be allowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from vendorhub import access

if TYPE_CHECKING:
    from vendorhub.models import User, Vendor

register = template.Library()


@register.filter
def acts_for(user: User, vendor: Vendor | int | None) -> bool:
    """Managers act for every vendor, a partner for its own, executives for none."""
    return access.acts_for_vendor(user, vendor)


@register.filter
def speaks_for(user: User, vendor: Vendor | int | None) -> bool:
    """Only the vendor's own partners."""
    return access.speaks_for_vendor(user, vendor)


@register.filter
def may_see(user: User, vendor: Vendor | int | None) -> bool:
    return access.may_see_vendor(user, vendor)
