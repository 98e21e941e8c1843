"""Writes of the scorecards app: measurement upserts and imports, publishing, appeals.

Views, forms and serializers only translate to and from these functions. Split by
feature (``measurements``, ``imports``, ``publishing``); callers import from
``scorecards.services``.
"""

from __future__ import annotations

from .credits import credit_dispute, credit_transition, credits_freeze, live_credit
from .imports import (
    CSV_COLUMNS,
    MAX_IMPORT_ROWS,
    REQUIRED_CSV_COLUMNS,
    ImportFormat,
    ImportProblem,
    ImportResult,
    csv_template_rows,
    measurements_import,
    measurements_import_counts,
)
from .measurements import (
    MEASUREMENT_FIELDS,
    BulkValidationError,
    StaleItems,
    UnversionedItems,
    UpsertResult,
    kpi_save,
    measurement_build,
    measurement_delete,
    measurement_may_change,
    measurement_save,
    measurement_update,
    measurements_clean,
    measurements_upsert,
    measurements_validate,
    measurements_write,
    target_save,
)
from .publishing import (
    appeal_url,
    scorecard_acknowledge,
    scorecard_appeal,
    scorecard_publish,
    scorecard_restate,
)
from .refresh import measurement_values_refresh

__all__ = [
    "CSV_COLUMNS",
    "MAX_IMPORT_ROWS",
    "MEASUREMENT_FIELDS",
    "REQUIRED_CSV_COLUMNS",
    "BulkValidationError",
    "ImportFormat",
    "ImportProblem",
    "ImportResult",
    "StaleItems",
    "UnversionedItems",
    "UpsertResult",
    "appeal_url",
    "credit_dispute",
    "credit_transition",
    "credits_freeze",
    "csv_template_rows",
    "kpi_save",
    "live_credit",
    "measurement_build",
    "measurement_delete",
    "measurement_may_change",
    "measurement_save",
    "measurement_update",
    "measurement_values_refresh",
    "measurements_clean",
    "measurements_import",
    "measurements_import_counts",
    "measurements_upsert",
    "measurements_validate",
    "measurements_write",
    "scorecard_acknowledge",
    "scorecard_appeal",
    "scorecard_publish",
    "scorecard_restate",
    "target_save",
]
