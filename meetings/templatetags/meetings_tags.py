"""The meetings section of the vendor page, loaded by an inclusion tag so the vendor
view itself needs no change. Two queries: the next meetings and the attendance rates."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import timezone

from meetings.models import Meeting
from meetings.services import attendance_rates

register = template.Library()

RATE_WINDOW_DAYS = 90


@register.inclusion_tag("meetings/vendor_section.html", takes_context=True)
def meetings_vendor_section(context, vendor):
    user = context["user"]
    now = timezone.now()
    upcoming = list(
        Meeting.objects.visible_to(user)
        .filter(vendor=vendor)
        .upcoming(now)
        .select_related("vendor")[:3]
    )
    rates = attendance_rates([vendor.pk], now - timedelta(days=RATE_WINDOW_DAYS), now)[vendor.pk]
    return {
        "vendor": vendor,
        "user": user,
        "upcoming": upcoming,
        "client_rate": rates["client"],
        "vendor_rate": rates["vendor"],
        "window_days": RATE_WINDOW_DAYS,
        "can_manage": context.get("can_manage", False),
    }


@register.filter
def percent(value) -> str:
    """A rate as a whole percentage; ``None`` stays "no data", never 0 %."""
    if value is None:
        return "No data"
    return f"{round(value * 100)} %"
