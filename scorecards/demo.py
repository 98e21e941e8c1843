"""The scorecards part of ``seed_demo`` (idempotent).

18 months of daily KPI data per demo vendor: atlas-contact steady, nordlicht-cx
declining into probation, andes-support improving. The demo vendors' measurements are
deleted and recreated with ``bulk_create`` (fast, same numbers every run: fixed seed);
targets are upserted; the last two closed months are published once; Nordlicht
appeals its service level once.
"""

from __future__ import annotations

import contextlib
import math
import random
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from .library import ensure_kpi_library
from .models import KPI, Appeal, Measurement, PublishedScorecard, Source, SuppliedBy, Target
from .services import scorecard_appeal, scorecard_publish
from .views_common import default_period

# code: (target, red line, weight, value when bad, value when good, daily volume)
KPI_PLAN = {
    "service_level": (80, 70, 30, 52, 90, 1600),
    "asa": (30, 60, 10, 95, 18, 1400),
    "aht": (360, 420, 10, 470, 310, 1400),
    "fcr": (72, 65, 20, 56, 81, 900),
    "csat": (85, 78, 15, 68, 93, 240),
    "abandonment_rate": (5, 8, 15, 13, 2.5, 1600),
}
RATIO_KPIS = {"service_level", "fcr", "csat", "abandonment_rate"}
PATTERNS = {
    "atlas-contact": lambda t: 0.78 + 0.05 * math.sin(t * 12),
    "nordlicht-cx": lambda t: 0.9 - 0.95 * t,
    "andes-support": lambda t: 0.2 + 0.75 * t,
}
DAYS = 548


def _targets(vendor, clause) -> None:
    from contracts.demo import SECOND_CONTRACT
    from contracts.models import Contract

    # KPIs allocated to the vendor's second contract (another currency) are charged there.
    second = Contract.objects.filter(vendor=vendor, reference=SECOND_CONTRACT["reference"]).first()
    for code, (target, threshold, weight, *_rest) in KPI_PLAN.items():
        contract = clause.contract if clause else None
        if second is not None and code in SECOND_CONTRACT["allocation"]:
            contract = second
        Target.objects.update_or_create(
            vendor=vendor,
            kpi=KPI.objects.get(code=code),
            effective_from=date(2023, 1, 1),
            defaults={
                "target": target,
                "threshold": threshold,
                "weight": weight,
                "clause": clause if code == "service_level" else None,
                "contract": contract,
            },
        )


def _measurements(vendor, pattern, today: date, rng: random.Random) -> list[Measurement]:
    kpis = {k.code: k for k in KPI.objects.filter(code__in=KPI_PLAN)}
    rows = []
    start = today - timedelta(days=DAYS)
    for offset in range(DAYS):
        day = start + timedelta(days=offset)
        quality = max(0.0, min(1.0, pattern(offset / DAYS) + rng.gauss(0, 0.06)))
        weekend = day.isoweekday() >= 6
        for code, (_t, _r, _w, bad, good, base_volume) in KPI_PLAN.items():
            volume = int(base_volume * (0.55 if weekend else 1.0) * rng.uniform(0.85, 1.15))
            value = bad + (good - bad) * quality
            kpi = kpis[code]
            row = Measurement(
                vendor=vendor,
                kpi=kpi,
                period_start=day,
                granularity="day",
                value=round(value, 2),
                volume=volume,
                source=Source.IMPORT,
                supplied_by=SuppliedBy.VENDOR,
            )
            if code in RATIO_KPIS:
                row.numerator = round(value * volume / 100)
                row.denominator = float(volume)
                row.value = round(row.numerator / volume * 100, 3)
            rows.append(row)
    return rows


def seed(demo) -> None:
    """Add this app's demo rows; ``demo`` holds the vendors and users made so far."""
    from contracts.models import Clause

    ensure_kpi_library()
    rng = random.Random(20240601)
    today = timezone.localdate()
    manager = demo.users.get("maria.manager")
    for slug, pattern in PATTERNS.items():
        vendor = demo.vendors.get(slug)
        if vendor is None:
            continue
        clause = (
            Clause.objects.filter(vendor=vendor, category__in=("service_level", "kpi"))
            .select_related("contract")
            .order_by("contract_id", "sort_key")
            .first()
        )
        _targets(vendor, clause)
        Measurement.objects.filter(vendor=vendor, kpi__code__in=KPI_PLAN).delete()
        Measurement.objects.bulk_create(_measurements(vendor, pattern, today, rng), batch_size=2000)
        if manager is None:
            continue
        kind, last = default_period(today)
        previous = (last - timedelta(days=1)).replace(day=1)
        for start in (previous, last):
            if not PublishedScorecard.objects.filter(
                vendor=vendor, period_kind=kind, period_start=start
            ).exists():
                scorecard_publish(vendor=vendor, period_kind=kind, period_start=start, by=manager)
    _claim_demo_credit(manager)
    partner = demo.users.get("lena.nordlicht")
    scorecard = (
        PublishedScorecard.objects.filter(vendor__slug="nordlicht-cx")
        .order_by("-period_start")
        .first()
    )
    if partner and scorecard and not Appeal.objects.filter(scorecard=scorecard).exists():
        scorecard_appeal(
            scorecard=scorecard,
            kpi_code="service_level",
            reason=(
                "A carrier outage on our side of the SIP trunk was escalated to your "
                "telephony team on the 12th; those intervals should be excluded under the "
                "force-majeure clause."
            ),
            by=partner,
        )
    _platform_month(demo.vendors.get("atlas-contact"), manager, today)


# --- Contact-centre data in: a platform connection and one imported month ----------------

DEMO_QUEUES = ("3f1c9a60-0d1e-4b7a-9c55-0a1d2e3f4a01", "3f1c9a60-0d1e-4b7a-9c55-0a1d2e3f4a02")


def genesys_month_payload(tz_name: str, month: date, days: int, rng: random.Random) -> dict:
    """A Genesys Cloud conversation aggregates response for ``days`` days from
    ``month``, two queues (voice, chat), daily intervals cut at the vendor's midnight."""
    from datetime import UTC, datetime, time
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz_name)
    results = []
    for queue, media, base in ((DEMO_QUEUES[0], "voice", 1250), (DEMO_QUEUES[1], "chat", 340)):
        data = []
        for offset in range(days):
            day = month + timedelta(days=offset)
            start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
            end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
            offered = int(base * (0.55 if day.isoweekday() >= 6 else 1) * rng.uniform(0.9, 1.1))
            abandoned = int(offered * rng.uniform(0.03, 0.07))
            short = int(abandoned * rng.uniform(0.15, 0.35))
            answered = offered - abandoned
            in_threshold = int(answered * rng.uniform(0.74, 0.88))
            aht = rng.uniform(290, 340) if media == "voice" else rng.uniform(480, 560)
            data.append(
                {
                    "interval": f"{start:%Y-%m-%dT%H:%M:%S.000Z}/{end:%Y-%m-%dT%H:%M:%S.000Z}",
                    "metrics": [
                        {"metric": "nOffered", "stats": {"count": offered}},
                        {"metric": "oServiceLevel", "stats": {"numerator": in_threshold}},
                        {"metric": "tAbandon", "stats": {"count": abandoned, "sum": 0}},
                        {"metric": "tShortAbandon", "stats": {"count": short, "sum": 0}},
                        {
                            "metric": "tAnswered",
                            "stats": {
                                "count": answered,
                                "sum": round(answered * rng.uniform(14, 26) * 1000),
                            },
                        },
                        {
                            "metric": "tHandle",
                            "stats": {"count": answered, "sum": round(answered * aht * 1000)},
                        },
                    ],
                }
            )
        results.append({"group": {"queueId": queue, "mediaType": media}, "data": data})
    return {"results": results}


def _platform_month(vendor, manager, today: date) -> None:
    """Atlas's Genesys Cloud queues as a (disabled: no credentials in a demo) platform
    connection, and last month imported from it as client-measured counts, so the
    scorecard shows both sides and the formulas at work. Re-running updates it."""
    if vendor is None or manager is None:
        return
    from platforms.models import PlatformConnection

    from .services import measurements_import

    PlatformConnection.objects.update_or_create(
        vendor=vendor,
        name="Genesys Cloud voice and chat (demo)",
        defaults={
            "platform": "genesys_cloud",
            "region": "mypurecloud.ie",
            "queue_ids": list(DEMO_QUEUES),
            "credentials_ref": "GENESYS_ATLAS",
            "enabled": False,
        },
    )
    _kind, month = default_period(today)
    days = ((month + timedelta(days=32)).replace(day=1) - month).days
    payload = genesys_month_payload(vendor.timezone, month, days, random.Random(20240602))
    result = measurements_import(
        vendor=vendor, format="genesys_cloud", data=payload, by=manager, supplied_by="client"
    )
    if result.errors:
        raise RuntimeError(f"Demo import failed: {result.errors[:3]}")


def _claim_demo_credit(manager) -> None:
    """One claimed credit, so the lifecycle and the dashboard's open claims have a row."""
    from contracts.models import Contract

    from .models import ServiceCredit
    from .services import credit_transition

    contract = Contract.objects.filter(reference="SOW-NLC-2024-02").first()
    if manager is None or contract is None:
        return
    _kind, last = default_period(timezone.localdate())
    if ServiceCredit.objects.filter(
        contract=contract, period_start=last, status__in=("claimed", "agreed", "settled")
    ).exists():
        return
    # Nothing earned in that month of the demo data: nothing to claim.
    with contextlib.suppress(ValidationError):
        credit_transition(contract=contract, period_start=last, to="claimed", by=manager)
