"""Core models: the user with a role, the vendor (the tenant), notifications, reminders.

Every vendor-owned row in every app carries a direct ``vendor`` foreign key and a
queryset with ``visible_to(user)``: scoping is always one filter (see ``access.py``).

Split by feature; import from ``vendorhub.models`` (migrations name
``vendorhub.models.validate_timezone``, ``timezone_choices``, ``validate_services``,
``validate_working_days`` and ``VendorHubUserManager``).
"""

from __future__ import annotations

from .notifications import Notification, NotificationQuerySet
from .reminders import (
    EmailOutbox,
    EmailOutboxQuerySet,
    OutboxStatus,
    Reminder,
    SweepFailure,
    SweepRun,
)
from .timezones import available_timezones, timezone_choices, validate_timezone
from .tokens import ApiToken, ApiTokenQuerySet
from .users import NotificationDelivery, Role, User, VendorHubUserManager
from .vendors import (
    WEEKDAY_NAMES,
    Service,
    Vendor,
    VendorContact,
    VendorOwnedQuerySet,
    VendorQuerySet,
    VendorSite,
    VendorStatus,
    validate_services,
    validate_working_days,
)

__all__ = [
    "WEEKDAY_NAMES",
    "ApiToken",
    "ApiTokenQuerySet",
    "EmailOutbox",
    "EmailOutboxQuerySet",
    "Notification",
    "NotificationDelivery",
    "NotificationQuerySet",
    "OutboxStatus",
    "Reminder",
    "Role",
    "Service",
    "SweepFailure",
    "SweepRun",
    "User",
    "Vendor",
    "VendorContact",
    "VendorHubUserManager",
    "VendorOwnedQuerySet",
    "VendorQuerySet",
    "VendorSite",
    "VendorStatus",
    "available_timezones",
    "timezone_choices",
    "validate_services",
    "validate_timezone",
    "validate_working_days",
]
