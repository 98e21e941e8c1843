"""The vendor page's dispute section, loaded here so the vendor view need not know us."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from ..models import Dispute

register = template.Library()

SECTION_LIMIT = 10


@register.inclusion_tag("disputes/vendor_section.html")
def vendor_disputes(vendor, user) -> dict[str, Any]:
    """Open disputes of ``vendor`` (most severe first) and their ageing: two queries."""
    now = timezone.now()
    open_disputes = Dispute.objects.visible_to(user).open().filter(vendor=vendor)
    rows = [
        {"dispute": d, "age_days": d.age(now).days, "overdue": d.is_overdue(now)}
        for d in open_disputes.order_by("-escalation_level", "created_at")[:SECTION_LIMIT]
    ]
    return {
        "vendor": vendor,
        "open_disputes": rows,
        "ageing": open_disputes.ageing_buckets(now),
        "user": user,
    }
