"""Logging a dispute and correcting its facts; recurrence of the same conversation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from vendorhub.access import require_acts_for_vendor
from vendorhub.models import User
from vendorhub.notifications import notify

from ..clocks import sla_days
from ..models import (
    Dispute,
    DisputeType,
    EventKind,
    Side,
)
from .common import (
    _conditional_update,
    _event,
    _expected_version,
    _next_reference,
    _now,
    _side,
    _tell,
)

if TYPE_CHECKING:
    from vendorhub.access import require_acts_for_vendor
from vendorhub.models import Vendor

# --- recurrence -------------------------------------------------------------------------
RECURRENCE_WINDOW_DAYS = 90
RECURRENCE_THRESHOLD = 3


def dispute_refresh_recurrence(*, dispute: Dispute) -> bool:
    """Mark the cluster recurring when 3+ similar disputes fall within 90 days.

    The whole cluster is flagged, not only the newest one, so that the older disputes
    of a repeating conversation stand out in the list too.
    """
    window_start = dispute.created_at - timedelta(days=RECURRENCE_WINDOW_DAYS)
    similar = Dispute.objects.similar_to(dispute, days=RECURRENCE_WINDOW_DAYS).filter(
        created_at__gte=window_start, created_at__lte=dispute.created_at + timedelta(days=90)
    )
    ids = list(similar.values_list("pk", flat=True))
    if len(ids) + 1 < RECURRENCE_THRESHOLD:
        return dispute.is_recurring
    Dispute.objects.filter(pk__in=[*ids, dispute.pk], is_recurring=False).update(is_recurring=True)
    dispute.is_recurring = True
    return True


# --- create / update --------------------------------------------------------------------
CREATE_FIELDS = (
    "contract",
    "clause",
    "kpi",
    "kpi_period_start",
    "kpi_period_end",
    "disputed_amount",
    "currency",
    "owner",
    "vendor_assignee",
)


def _check_links(dispute: Dispute) -> None:
    """Linked contract, clause and people must belong to the dispute's vendor."""
    errors: dict[str, str] = {}
    contract = dispute.contract if dispute.contract_id else None
    clause = dispute.clause if dispute.clause_id else None
    if contract is not None and contract.vendor_id != dispute.vendor_id:
        errors["contract"] = "This contract belongs to another vendor."
    if clause is not None:
        if clause.vendor_id != dispute.vendor_id:
            errors["clause"] = "This clause belongs to another vendor."
        elif contract is not None and clause.contract_id != contract.pk:
            errors["clause"] = "This clause is not part of the chosen contract."
        elif contract is None:
            dispute.contract_id = clause.contract_id
    if dispute.type == DisputeType.BREACH and clause is None and _vendor_has_clauses(dispute):
        errors["clause"] = "A breach must name the clause that was violated."
    if dispute.vendor_assignee_id and (
        not dispute.vendor_assignee.is_partner
        or dispute.vendor_assignee.vendor_id != dispute.vendor_id
    ):
        errors["vendor_assignee"] = "The assignee must be a portal user of this vendor."
    if dispute.owner_id and not dispute.owner.is_manager:
        errors["owner"] = "The owner must be a vendor manager."
    if errors:
        raise ValidationError(errors)


def _vendor_has_clauses(dispute: Dispute) -> bool:
    """A breach names its clause, unless the vendor has no contract clauses recorded yet
    (the contract may still be on paper; the dispute must not be blocked by that)."""
    from contracts.models import Clause

    return Clause.objects.filter(vendor_id=dispute.vendor_id).exists()


@transaction.atomic
def dispute_create(
    *,
    by: User,
    vendor: Vendor,
    type: str,
    title: str,
    description: str,
    severity: str = "medium",
    now: datetime | None = None,
    **details: Any,
) -> Dispute:
    """Log a dispute. Managers raise on any vendor; partners only on their own vendor.

    A partner-raised dispute starts ``open`` with side ``vendor`` for the client to
    triage; the vendor's own report needs no vendor response, so its response clock
    does not apply.
    """
    now = _now(now)
    require_acts_for_vendor(by, vendor, "Your role may read disputes but not raise them.")
    unknown = set(details) - set(CREATE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown dispute fields: {', '.join(sorted(unknown))}")
    dispute = Dispute(
        vendor=vendor,
        type=type,
        severity=severity,
        title=title,
        description=description,
        raised_by=by,
        raised_by_side=_side(by),
        created_at=now,
        **{k: v for k, v in details.items() if v is not None},
    )
    if by.is_partner:
        dispute.owner = None  # the client side picks its owner when triaging
    if not dispute.owner_id and by.is_manager:
        dispute.owner = by
    dispute.reference = "DSP-pending"
    _set_initial_clocks(dispute, now)
    dispute.full_clean(exclude=["reference"])
    _check_links(dispute)
    dispute.reference = _next_reference(now.year)
    dispute._history_user = by  # type: ignore[attr-defined]
    dispute.save()
    _event(dispute, kind=EventKind.CREATED, by=by, body=description, now=now)
    dispute_refresh_recurrence(dispute=dispute)
    _tell(
        dispute,
        kind="dispute_raised",
        message=f"{dispute.reference} raised by the {dispute.raised_by_side} side: {title}",
        by=by,
    )
    return dispute


def _set_initial_clocks(dispute: Dispute, now: datetime) -> None:
    response_days, resolution_days = sla_days(dispute.severity)
    dispute.response_due_at = now + timedelta(days=response_days)
    dispute.resolution_started_at = now
    dispute.resolution_due_at = now + timedelta(days=resolution_days)
    if dispute.raised_by_side == Side.VENDOR:
        dispute.responded_at = now


EDITABLE_FIELDS = (
    "type",
    "severity",
    "title",
    "description",
    "owner",
    "vendor_assignee",
    "disputed_amount",
    "currency",
    "kpi_period_start",
    "kpi_period_end",
    "contract",
    "clause",
    "kpi",
    "service_credit_agreed",
    "outcome",
    "resolution_summary",
)


@transaction.atomic
def dispute_update(
    *,
    dispute: Dispute,
    by: User,
    changes: dict[str, Any],
    expected_version: int | None = None,
    version_required: bool = False,
) -> Dispute:
    """Managers correct the facts; a new severity re-derives both due dates."""
    if not by.is_manager:
        raise PermissionDenied("Only vendor managers may edit a dispute.")
    expected = _expected_version(dispute, expected_version, required=version_required)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    old_assignee = dispute.vendor_assignee_id
    old_severity = dispute.severity
    for name, value in changes.items():
        setattr(dispute, name, value)
    dispute.full_clean(exclude=["reference"], validate_unique=False)
    _check_links(dispute)
    values: dict[str, Any] = {}
    for name in changes:
        field = Dispute._meta.get_field(name)
        values[field.attname] = getattr(dispute, field.attname)
    if "clause" in changes:
        values["contract_id"] = dispute.contract_id
    if dispute.severity != old_severity:
        response_days, resolution_days = sla_days(dispute.severity)
        values["response_due_at"] = dispute.created_at + timedelta(days=response_days)
        values["resolution_due_at"] = dispute.resolution_started_at + timedelta(
            days=resolution_days, seconds=dispute.resolution_paused_seconds
        )
    dispute._history_user = by  # type: ignore[attr-defined]
    _conditional_update(dispute, expected, **values)
    changed = ", ".join(str(Dispute._meta.get_field(n).verbose_name) for n in changes)
    _event(dispute, kind=EventKind.UPDATE, by=by, body=f"Changed: {changed}.", internal=False)
    if dispute.vendor_assignee_id and dispute.vendor_assignee_id != old_assignee:
        _event(
            dispute,
            kind=EventKind.ASSIGNMENT,
            by=by,
            body=f"Assigned to {dispute.vendor_assignee} at the vendor.",
        )
        notify(
            recipients=[dispute.vendor_assignee],
            kind="dispute_assigned",
            message=f"{dispute.reference} was assigned to you: {dispute.title}",
            url=dispute.get_absolute_url(),
            vendor=dispute.vendor,
        )
    return dispute
