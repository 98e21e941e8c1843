"""Publishing a closed period's scorecard as a frozen snapshot; the vendor's
acknowledgement or appeal (which opens an underperformance dispute)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from vendorhub.access import speaks_for_vendor
from vendorhub.models import User, Vendor
from vendorhub.notifications import notify

from ..models import (
    KPI,
    Appeal,
    PeriodKind,
    PublishedScorecard,
    ScorecardStatus,
    period_bounds,
    period_label,
)
from ..scoring import scorecard_for

if TYPE_CHECKING:
    pass


# --- Publishing and appeals -------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


@transaction.atomic
def scorecard_publish(
    *, vendor: Vendor, period_kind: str, period_start: date, by: User, now: datetime | None = None
) -> PublishedScorecard:
    """Freeze a closed period's scorecard (values, targets, weights, credits) as published.

    The snapshot is JSON, so later measurement or target edits never change it.
    """
    if not by.is_manager:
        raise PermissionDenied("Only vendor managers publish scorecards.")
    now = _now(now)
    if period_kind not in PeriodKind.values:
        raise ValidationError({"period": "Unknown period kind."})
    _start, end = period_bounds(period_kind, period_start)
    if end >= timezone.localdate(now):
        raise ValidationError({"period": "Only a closed period can be published."})
    label = period_label(period_kind, period_start)
    if PublishedScorecard.objects.filter(
        vendor=vendor, period_kind=period_kind, period_start=period_start
    ).exists():
        raise ValidationError({"period": f"{label} is already published for {vendor}."})
    card = scorecard_for(vendor.pk, period_kind, period_start)
    if card.overall_score is None:
        raise ValidationError({"period": f"{label} has no scored KPI data to publish."})
    published = PublishedScorecard(
        vendor=vendor,
        period_kind=period_kind,
        period_start=period_start,
        overall_score=round(card.overall_score, 1),
        standing=card.standing,
        snapshot=card.as_dict(vendor.slug),
        published_at=now,
        published_by=by,
    )
    published._history_user = by  # type: ignore[attr-defined]
    published.save()
    from .credits import credits_freeze

    # The month's credit figures are frozen with the rest (the lifecycle rows).
    credits_freeze(card=card, vendor=vendor, published=published)
    url = published.get_absolute_url()
    notify(
        recipients=vendor.partner_users.filter(is_active=True),
        kind="scorecard_published",
        message=f"{vendor} scorecard {label} published: {published.overall_score:.1f}.",
        url=url,
        vendor=vendor,
    )
    return published


MIN_REASON = 10


@transaction.atomic
def scorecard_restate(
    *, scorecard: PublishedScorecard, reason: str, by: User, now: datetime | None = None
) -> PublishedScorecard:
    """Publish a new version of a published scorecard, recomputed from the data as it
    is now (e.g. corrected after an upheld appeal), with the reason; the earlier
    version stays readable, marked superseded; the vendor is told.
    """
    if not by.is_manager:
        raise PermissionDenied("Only vendor managers restate scorecards.")
    now = _now(now)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError({"reason": "Say why it is restated (at least 10 characters)."})
    current = PublishedScorecard.objects.select_for_update().get(pk=scorecard.pk)
    if current.superseded_at is not None:
        raise ValidationError(
            {"reason": "This version was already restated; restate the latest version."}
        )
    card = scorecard_for(current.vendor_id, current.period_kind, current.period_start)
    if card.overall_score is None:
        raise ValidationError({"reason": "The period has no scored KPI data any more."})
    current.superseded_at = now
    current._history_user = by  # type: ignore[attr-defined]
    current.save(update_fields=["superseded_at"])
    vendor = current.vendor
    restated = PublishedScorecard(
        vendor=vendor,
        period_kind=current.period_kind,
        period_start=current.period_start,
        overall_score=round(card.overall_score, 1),
        standing=card.standing,
        snapshot=card.as_dict(vendor.slug),
        published_at=now,
        published_by=by,
        version=current.version + 1,
        restates=current,
        restatement_reason=reason,
    )
    restated._history_user = by  # type: ignore[attr-defined]
    restated.full_clean(exclude=["snapshot"])
    restated.save()
    from .credits import credits_freeze

    # Credits not yet acted on take the restated figures; a claim keeps its own.
    credits_freeze(card=card, vendor=vendor, published=restated)
    was = f"{current.overall_score:.1f}" if current.overall_score is not None else "no score"
    notify(
        recipients=vendor.partner_users.filter(is_active=True),
        kind="scorecard_restated",
        message=(
            f"{vendor} scorecard {current.period} restated (version {restated.version}): "
            f"{restated.overall_score:.1f}, was {was}. Reason: {reason}"
        ),
        url=restated.get_absolute_url(),
        vendor=vendor,
    )
    return restated


def _require_current(scorecard: PublishedScorecard) -> None:
    if scorecard.superseded_at is not None:
        raise ValidationError(
            {"status": "This version was restated; respond to the latest version."}
        )


def _require_vendor_partner(user: User, scorecard: PublishedScorecard) -> None:
    if not speaks_for_vendor(user, scorecard.vendor_id):
        raise PermissionDenied("Only the vendor's own staff acknowledge or appeal its scorecard.")


@transaction.atomic
def scorecard_acknowledge(
    *, scorecard: PublishedScorecard, by: User, now: datetime | None = None
) -> PublishedScorecard:
    """The vendor accepts the published scorecard as it stands."""
    _require_vendor_partner(by, scorecard)
    scorecard = PublishedScorecard.objects.select_for_update().get(pk=scorecard.pk)
    _require_current(scorecard)
    if scorecard.status != ScorecardStatus.PUBLISHED:
        raise ValidationError(
            {"status": f"This scorecard is already {scorecard.get_status_display().lower()}."}
        )
    scorecard.status = ScorecardStatus.ACKNOWLEDGED
    scorecard.acknowledged_at = _now(now)
    scorecard.acknowledged_by = by
    scorecard._history_user = by  # type: ignore[attr-defined]
    scorecard.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _tell_client(scorecard, f"{by.vendor} acknowledged its {scorecard.period} scorecard.")
    return scorecard


def _tell_client(scorecard: PublishedScorecard, message: str) -> None:
    recipients = [u for u in (scorecard.published_by, scorecard.vendor.relationship_owner) if u]
    notify(
        recipients=recipients,
        kind="scorecard_response",
        message=message,
        url=scorecard.get_absolute_url(),
        vendor=scorecard.vendor,
    )


@transaction.atomic
def scorecard_appeal(
    *,
    scorecard: PublishedScorecard,
    kpi_code: str,
    reason: str,
    by: User,
    now: datetime | None = None,
) -> Appeal:
    """The vendor contests one KPI line: record it and open an underperformance dispute.

    The dispute (created through the disputes app's own service, so its clocks,
    reference and notifications apply) is linked to the KPI and the period.
    """
    from disputes.models import DisputeType, Severity
    from disputes.services import dispute_create

    _require_vendor_partner(by, scorecard)
    now = _now(now)
    scorecard = PublishedScorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard.superseded_at is not None:
        raise ValidationError({"kpi": "This version was restated; appeal the latest version."})
    if scorecard.status == ScorecardStatus.ACKNOWLEDGED:
        raise ValidationError({"kpi": "An acknowledged scorecard can no longer be appealed."})
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "Explain the appeal in at least a sentence."})
    line = next((x for x in scorecard.snapshot.get("kpis", []) if x["kpi"] == kpi_code), None)
    kpi = KPI.objects.filter(code=kpi_code).first()
    if line is None or kpi is None:
        raise ValidationError({"kpi": "This KPI is not on the published scorecard."})
    if Appeal.objects.filter(scorecard=scorecard, kpi=kpi).exists():
        raise ValidationError({"kpi": "This line has already been appealed."})
    start, end = period_bounds(scorecard.period_kind, scorecard.period_start)
    unit = kpi.unit_symbol
    description = (
        f"Appeal of the published {scorecard.period} scorecard, KPI “{kpi.name}”: "
        f"actual {line['actual']}{unit}, target {line['target']}{unit}, "
        f"red line {line['threshold']}{unit}, RAG {line['rag']}.\n\n{reason}"
    )
    dispute = dispute_create(
        by=by,
        vendor=scorecard.vendor,
        type=DisputeType.UNDERPERFORMANCE,
        severity=Severity.HIGH if line["rag"] == "red" else Severity.MEDIUM,
        title=f"Scorecard appeal: {kpi.name} {scorecard.period}",
        description=description,
        now=now,
        kpi=kpi,
        kpi_period_start=start,
        kpi_period_end=end,
    )
    appeal = Appeal(
        vendor=scorecard.vendor,
        scorecard=scorecard,
        kpi=kpi,
        reason=reason,
        raised_by=by,
        created_at=now,
        dispute=dispute,
    )
    appeal._history_user = by  # type: ignore[attr-defined]
    appeal.save()
    scorecard.status = ScorecardStatus.APPEALED
    scorecard._history_user = by  # type: ignore[attr-defined]
    scorecard.save(update_fields=["status"])
    _tell_client(
        scorecard, f"{by.vendor} appealed “{kpi.name}” on its {scorecard.period} scorecard."
    )
    return appeal


def appeal_url(appeal: Appeal) -> str:
    dispute = appeal.dispute
    return (
        dispute.get_absolute_url()
        if dispute
        else reverse("scorecards:published_detail", kwargs={"pk": appeal.scorecard_id})
    )
