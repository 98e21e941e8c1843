"""Contracts and their SOW clauses, amendments, scope changes, rate cards and documents.

Every model has a direct ``vendor`` key (kept equal to its contract's vendor) so that
scoping is one filter (``VendorOwnedQuerySet.visible_to``). Clause edits are versioned by
django-simple-history: "what did 4.2 say on 1 March" is ``clause.history.as_of(moment)``.

Split by feature; import from ``contracts.models`` (migrations name
``contracts.models.validate_currency``, ``validate_credit_allocation``,
``document_upload_to`` and ``PostgresGinIndex``).
"""

from __future__ import annotations

from .clauses import (
    CLAUSE_NUMBER_RE,
    Amendment,
    Clause,
    ClauseCategory,
    ClauseQuerySet,
    ObligatedParty,
    PostgresGinIndex,
    clause_sort_key,
)
from .contract import (
    KPI_CODES,
    PERCENT_VALIDATORS,
    PRICING_INCENTIVES,
    AbandonTreatment,
    Contract,
    ContractQuerySet,
    ContractStatus,
    PricingModel,
    RateCardLine,
    RateUnit,
    add_months,
    renewed_end,
    validate_credit_allocation,
    validate_currency,
)
from .documents import Document, document_upload_to
from .scope import ScopeChange, ScopeChangeStatus, may_propose_scope_change

__all__ = [
    "CLAUSE_NUMBER_RE",
    "KPI_CODES",
    "PERCENT_VALIDATORS",
    "PRICING_INCENTIVES",
    "AbandonTreatment",
    "Amendment",
    "Clause",
    "ClauseCategory",
    "ClauseQuerySet",
    "Contract",
    "ContractQuerySet",
    "ContractStatus",
    "Document",
    "ObligatedParty",
    "PostgresGinIndex",
    "PricingModel",
    "RateCardLine",
    "RateUnit",
    "ScopeChange",
    "ScopeChangeStatus",
    "add_months",
    "clause_sort_key",
    "document_upload_to",
    "may_propose_scope_change",
    "renewed_end",
    "validate_credit_allocation",
    "validate_currency",
]
