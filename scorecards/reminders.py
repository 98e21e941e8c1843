"""Missing KPI data is a reminder to whoever supplies it (SPEC section 6, issue 10).

After a month closes, a KPI with a target in force and no data for that month is
``missing`` on the vendor's scorecard: left out of the score (or scored as missed,
``SCORECARD_MISSING_POLICY``), the card marked incomplete. Left alone, that is exactly
how a bad number disappears. So the daily sweep tells whoever supplies the KPI, once
per vendor, KPI and month (the exactly-once machinery of ``vendorhub.reminders``):

- the client side (the vendor's relationship owner, else every manager) when the client
  measures it: its recent data is client-measured, or the vendor's platform connection
  feeds it (the pull may have failed);
- otherwise the vendor's own partners, who submit it (page, CSV, API, import).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from vendorhub.models import Vendor, VendorStatus
from vendorhub.reminders import isolated, keyset_chunks, or_managers, register, remind

from .formulas import COUNT_DERIVED_KPIS
from .models import Measurement, SuppliedBy, period_label
from .scoring import compute_scorecards

#: How far back a KPI's data says who supplies it.
SUPPLIER_LOOKBACK_DAYS = 183


def _last_closed_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _client_supplied(vendor_ids: list[int], month: date) -> set[tuple[int, str]]:
    """(vendor, KPI code) pairs the client side supplies, in two queries."""
    since = month - timedelta(days=SUPPLIER_LOOKBACK_DAYS)
    pairs = set(
        Measurement.objects.filter(
            vendor_id__in=vendor_ids,
            supplied_by=SuppliedBy.CLIENT,
            period_start__gte=since,
        )
        .values_list("vendor_id", "kpi__code")
        .distinct()
    )
    from platforms.models import PlatformConnection

    fed = PlatformConnection.objects.filter(vendor_id__in=vendor_ids, enabled=True)
    for vendor_id in set(fed.values_list("vendor_id", flat=True)):
        pairs.update((vendor_id, code) for code in COUNT_DERIVED_KPIS)
    return pairs


@register("scorecards.missing_data")
def sweep_missing_kpis(now: datetime) -> int:
    """Remind the supplier of every KPI missing from last month's scorecards."""
    today = timezone.localdate(now, timezone.UTC)
    month = _last_closed_month(today)
    label = period_label("month", month)
    vendors = Vendor.objects.filter(~Q(status=VendorStatus.INACTIVE)).select_related(
        "relationship_owner"
    )
    sent = 0
    for chunk in keyset_chunks(vendors, 200):
        ids = [v.pk for v in chunk]
        cards = compute_scorecards(ids, "month", [month], with_credits=False, today=today)
        by_client = _client_supplied(ids, month)
        for vendor in chunk:
            card = cards[(vendor.pk, month)]
            missing = [line.kpi for line in card.lines if line.missing]
            if missing:
                sent += isolated(
                    vendor,
                    partial(_remind_vendor, vendor, missing, month, label, by_client, now),
                )
    return sent


def _remind_vendor(vendor, kpis, month, label, by_client, now) -> int:
    sent = 0
    scorecard = f"{reverse('scorecards:vendor', kwargs={'slug': vendor.slug})}?period={month:%Y-%m}"
    for kpi in kpis:
        client = (vendor.pk, kpi.code) in by_client
        if client:
            recipients = or_managers([vendor.relationship_owner])
            ask = "import or pull it (the platform pull may have failed)"
        else:
            recipients = list(vendor.partner_users.filter(is_active=True))
            ask = "please submit it"
        sent += remind(
            kind="kpi_missing",
            obj=vendor,
            stage=f"{kpi.code}:{month:%Y-%m}",
            due_at=month,
            recipients=recipients,
            message=(
                f"No {kpi.name} data for {vendor} in {label}: the scorecard is incomplete "
                f"until it comes; {ask}."
            ),
            url=scorecard,
            vendor=vendor,
            now=now,
        )
    return sent
