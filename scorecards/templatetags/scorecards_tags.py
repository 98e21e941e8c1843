"""Template helpers of the scorecards app, including the vendor-page section."""

from __future__ import annotations

from typing import Any

from django import template

from vendorhub.access import is_client_side

from ..models import OPEN_STATUSES, PublishedScorecard, ServiceCredit
from ..scoring import compute_scorecards
from ..views_common import default_period

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str) -> Any:
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


@register.inclusion_tag("scorecards/vendor_section.html", takes_context=True)
def vendor_scorecard_section(context, vendor) -> dict[str, Any]:
    """Latest closed month's score, standing and credits (a bounded handful of queries)."""
    user = context["user"]
    kind, start = default_period()
    card = compute_scorecards([vendor.pk], kind, [start])[(vendor.pk, start)]
    latest = (
        PublishedScorecard.objects.visible_to(user)
        .current()
        .filter(vendor=vendor)
        .order_by("-period_start")
        .first()
    )
    open_credits = list(
        ServiceCredit.objects.visible_to(user)
        .filter(vendor=vendor, status__in=OPEN_STATUSES)
        .select_related("contract", "dispute")
        .order_by("-period_start")[:6]
    )
    return {
        "vendor": vendor,
        "card": card,
        "open_credits": open_credits,
        "latest": latest,
        "is_client_side": is_client_side(user),
    }
