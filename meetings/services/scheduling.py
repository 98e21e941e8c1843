"""Finding slots inside both sides' working hours, and the private calendar feed URL."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vendorhub.access import can_manage

from ..models import (
    CalendarFeedToken,
    FeedScope,
    client_is_working_time,
)

if TYPE_CHECKING:
    from vendorhub.models import User, Vendor


UTC = zoneinfo.ZoneInfo("UTC")


# --- Scheduling -------------------------------------------------------------------------
def suggest_slots(
    *,
    vendor: Vendor,
    client_tz: zoneinfo.ZoneInfo,
    week_start: date,
    duration_minutes: int,
    step_minutes: int = 30,
) -> list[datetime]:
    """Start instants (UTC) in the week from ``week_start`` where a meeting of
    ``duration_minutes`` lies wholly inside both the vendor's and the client side's
    working hours. Pure computation: no query."""
    slots = []
    duration = timedelta(minutes=duration_minutes)
    cursor = datetime.combine(week_start, time(0, 0), tzinfo=UTC)
    end = cursor + timedelta(days=7)
    step = timedelta(minutes=step_minutes)
    while cursor + duration <= end:
        last = cursor + duration - timedelta(minutes=1)
        if (
            vendor.is_working_time(cursor)
            and vendor.is_working_time(last)
            and client_is_working_time(cursor, client_tz)
            and client_is_working_time(last, client_tz)
        ):
            slots.append(cursor)
        cursor += step
    return slots


# --- Calendar feed ----------------------------------------------------------------------
@transaction.atomic
def feed_token_create(*, user: User) -> CalendarFeedToken:
    """A new private feed URL; any earlier one stops working (one live URL per user)."""
    feed_token_revoke(user=user)
    return CalendarFeedToken.objects.create(user=user)


@transaction.atomic
def feed_token_revoke(*, user: User) -> int:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def feed_token_set_scope(*, user: User, scope: str) -> CalendarFeedToken:
    """What the user's live feed holds (same URL). "All meetings" is for managers: the
    others' scope is their own meetings anyway, and an executive's calendar full of
    every vendor's weekly call helps nobody."""
    if scope not in FeedScope.values:
        raise ValidationError({"scope": "Choose which meetings the feed holds."})
    if scope == FeedScope.ALL and not can_manage(user):
        raise ValidationError({"scope": "Only vendor managers may subscribe to every meeting."})
    token = CalendarFeedToken.objects.live().filter(user=user).first()
    if token is None:
        token = CalendarFeedToken.objects.create(user=user, scope=scope)
    elif token.scope != scope:
        token.scope = scope
        token.save(update_fields=["scope"])
    return token
