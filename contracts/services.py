"""Writes of the contracts app: each a keyword-only, atomic function.

Views, forms and serializers only translate input and call these, so the page, the
API and the demo seed enforce the same rules (vendor kept equal to the contract's,
the clause search vector kept current, scope-change decisions only once).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from vendorhub.access import require_manager
from vendorhub.concurrency import Conflict
from vendorhub.models import Role, User
from vendorhub.notifications import notify
from vendorhub.uploads import CONTRACT_DOCUMENT_TYPES, upload_check

from .models import (
    Amendment,
    Clause,
    Contract,
    Document,
    RateCardLine,
    ScopeChange,
    ScopeChangeStatus,
    may_propose_scope_change,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.core.files.uploadedfile import UploadedFile

SEARCH_CONFIG = "english"


#: Contract fields that decide which service-level definition a vendor's KPIs use.
SCORING_FIELDS = (
    "service_level_threshold_seconds",
    "abandon_treatment",
    "short_abandon_seconds",
    "status",
    "effective_date",
    "end_date",
)


@transaction.atomic
def contract_save(*, contract: Contract, by: User) -> Contract:
    """Validate and save a new or edited contract (managers only)."""
    require_manager(by)
    if contract.pk is not None:
        # Clauses, documents and scope changes carry the vendor too (one-filter scoping):
        # moving a contract would leave them visible to the old vendor's partners.
        current = Contract.objects.filter(pk=contract.pk).values_list("vendor_id", flat=True)
        if current and current[0] != contract.vendor_id:
            raise ValidationError(
                {"vendor": "A contract cannot move to another vendor; create a new one."}
            )
    contract.full_clean()
    before = (
        Contract.objects.filter(pk=contract.pk).values_list(*SCORING_FIELDS).first()
        if contract.pk
        else None
    )
    contract.save()
    if before != tuple(getattr(contract, name) for name in SCORING_FIELDS):
        # The service-level definition (or which contract applies) changed: stored
        # values of unpublished count rows follow (scoring recomputes anyway).
        from scorecards.services import measurement_values_refresh

        measurement_values_refresh(vendor_ids=[contract.vendor_id])
    return contract


def clause_update_search_vector(*, clause_ids: Iterable[int]) -> None:
    """Recompute the stored search vector (PostgreSQL only; SQLite searches with LIKE).

    Number and heading weigh more than the body, so "4.2" or a heading word ranks first.
    """
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    vector = (
        SearchVector("number", weight="A", config=SEARCH_CONFIG)
        + SearchVector("heading", weight="A", config=SEARCH_CONFIG)
        + SearchVector("body", weight="B", config=SEARCH_CONFIG)
    )
    Clause.objects.filter(pk__in=list(clause_ids)).update(search_vector=vector)


def clause_is_unchanged(clause: Clause) -> bool:
    """True when ``clause`` is saved already and every editable field is as stored."""
    if clause.pk is None:
        return False
    names = [f.attname for f in Clause._meta.concrete_fields if f.editable and not f.primary_key]
    stored = Clause.objects.filter(pk=clause.pk).values(*names).first()
    return stored is not None and all(getattr(clause, name) == stored[name] for name in names)


@transaction.atomic
def clause_save(
    *,
    clause: Clause,
    by: User,
    amendment: Amendment | None = None,
    based_on: datetime | None = None,
) -> Clause:
    """Create or edit a clause: vendor follows the contract, the edit is versioned
    (simple-history), the search vector is refreshed, and an amendment may record it.

    Saving a clause exactly as stored (and with no amendment) writes nothing: a version
    that changes nothing would only clutter the history and its diffs. ``based_on`` is
    the ``updated_at`` the editor read (the edit form carries it): if someone saved the
    clause since, the edit is refused with ``Conflict`` instead of overwriting theirs;
    the row is locked first, so of two concurrent editors exactly one wins."""
    require_manager(by)
    if clause.pk is not None and based_on is not None:
        current = (
            Clause.objects.select_for_update()
            .filter(pk=clause.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        if current is not None and current != based_on:
            raise Conflict(
                f"Someone else saved clause {clause.number} at "
                f"{timezone.localtime(current):%H:%M} after you opened it."
            )
    if clause.contract_id:
        clause.vendor_id = clause.contract.vendor_id
    if amendment is None and clause_is_unchanged(clause):
        return clause
    clause.full_clean()
    clause.save()
    clause_update_search_vector(clause_ids=[clause.pk])
    if amendment is not None:
        if amendment.contract_id != clause.contract_id:
            raise ValidationError("The amendment belongs to another contract.")
        amendment.clauses.add(clause)
    return clause


@transaction.atomic
def rate_line_save(*, line: RateCardLine, by: User) -> RateCardLine:
    """Add or change a rate card line; the history keeps every earlier rate and who
    changed it (shown on the contract page)."""
    require_manager(by)
    line.vendor_id = line.contract.vendor_id
    line.full_clean()
    line._history_user = by  # type: ignore[attr-defined]
    line.save()
    return line


@transaction.atomic
def amendment_create(
    *,
    contract: Contract,
    reference: str,
    effective_date: date,
    summary: str,
    clauses: Iterable[Clause] = (),
    by: User,
) -> Amendment:
    """Record a signed amendment and the clauses it changed (of the same contract)."""
    require_manager(by)
    clause_list = list(clauses)
    if any(c.contract_id != contract.pk for c in clause_list):
        raise ValidationError({"clauses": "Only clauses of this contract can be amended."})
    amendment = Amendment(
        vendor_id=contract.vendor_id,
        contract=contract,
        reference=reference,
        effective_date=effective_date,
        summary=summary,
        created_by=by,
    )
    amendment.full_clean()
    amendment.save()
    amendment.clauses.set(clause_list)
    return amendment


@transaction.atomic
def amendment_update(
    *,
    amendment: Amendment,
    reference: str,
    effective_date: date,
    summary: str,
    clauses: Iterable[Clause] = (),
    by: User,
) -> Amendment:
    """Correct a recorded amendment (managers). Its history keeps every earlier version
    with who changed it; the clauses it names are recorded in the change reason."""
    require_manager(by)
    clause_list = list(clauses)
    if any(c.contract_id != amendment.contract_id for c in clause_list):
        raise ValidationError({"clauses": "Only clauses of this contract can be amended."})
    amendment.reference, amendment.effective_date, amendment.summary = (
        reference,
        effective_date,
        summary,
    )
    amendment.full_clean()
    amendment._history_user = by  # type: ignore[attr-defined]
    numbers = ", ".join(sorted(c.number for c in clause_list)) or "none"
    amendment._change_reason = f"Edited; clauses changed: {numbers}"  # type: ignore[attr-defined]
    amendment.save()
    amendment.clauses.set(clause_list)
    return amendment


def _client_recipients(contract: Contract) -> list[User]:
    if contract.owner_id:
        return [contract.owner]
    return list(User.objects.filter(role=Role.MANAGER, is_active=True))


@transaction.atomic
def scope_change_propose(
    *,
    contract: Contract,
    title: str,
    description: str,
    price_impact: Decimal | None,
    by: User,
) -> ScopeChange:
    """Record work asked beyond the SOW. Managers and the vendor's own partners propose;
    when the vendor proposes, the client side is told so it does not sit unanswered."""
    if not may_propose_scope_change(by, contract):
        raise PermissionDenied("Your role may not propose scope changes.")
    change = ScopeChange(
        vendor_id=contract.vendor_id,
        contract=contract,
        title=title,
        description=description,
        price_impact=price_impact,
        requested_by=by,
        requested_side=by.side,
    )
    change.full_clean()
    change.save()
    if by.is_partner:
        notify(
            recipients=_client_recipients(contract),
            kind="contracts.scope_change_proposed",
            message=f"{contract.vendor.name} proposed a scope change on {contract.reference}: "
            f"{title}",
            url=contract.get_absolute_url() + "#scope-changes",
            vendor=contract.vendor,
        )
    return change


@transaction.atomic
def scope_change_decide(
    *, scope_change: ScopeChange, status: str, note: str = "", by: User
) -> ScopeChange:
    """Accept or reject a proposed scope change, once; the decision is final.

    The row is locked so two managers deciding at once cannot both win.
    """
    require_manager(by)
    if status not in (ScopeChangeStatus.ACCEPTED, ScopeChangeStatus.REJECTED):
        raise ValidationError({"status": "Decide with “accepted” or “rejected”."})
    locked = ScopeChange.objects.select_for_update().get(pk=scope_change.pk)
    if locked.status != ScopeChangeStatus.PROPOSED:
        raise ValidationError(
            {"status": f"This scope change was already {locked.get_status_display().lower()}."}
        )
    locked.status = status
    locked.decision_note = note
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save()
    contract = locked.contract
    partners = User.objects.filter(role=Role.PARTNER, vendor_id=locked.vendor_id, is_active=True)
    notify(
        recipients=[*partners, *([locked.requested_by] if locked.requested_by else [])],
        kind="contracts.scope_change_decided",
        message=f"Scope change “{locked.title}” on {contract.reference} was "
        f"{locked.get_status_display().lower()}.",
        url=contract.get_absolute_url() + "#scope-changes",
        vendor=contract.vendor,
    )
    return locked


@transaction.atomic
def document_upload(
    *, contract: Contract, uploaded_file: UploadedFile, title: str, by: User
) -> Document:
    """Check the bytes (``vendorhub.uploads``: PDF or DOCX by parsed content), then store
    them under a random name with the detected type; the original name is kept,
    sanitised, for display only. Nothing is written when the check fails."""
    require_manager(by)
    checked = upload_check(uploaded_file=uploaded_file, allowed=CONTRACT_DOCUMENT_TYPES)
    document = Document(
        vendor_id=contract.vendor_id,
        contract=contract,
        title=title or checked.name,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by,
    )
    document.file.save(checked.storage_name(), ContentFile(checked.content), save=False)
    try:
        document.full_clean(exclude=["file"])
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document
