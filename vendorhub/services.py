"""Writes of the core: vendors.

Like every app's services: keyword-only, atomic, and the row is validated as a whole
(``full_clean``) before anything is written, whether the page or the API asked.
"""

from __future__ import annotations

from django.db import transaction

from .access import require_manager
from .models import User, Vendor


@transaction.atomic
def vendor_save(*, vendor: Vendor, by: User) -> Vendor:
    """Create or change a vendor (managers only)."""
    require_manager(by)
    vendor.full_clean()
    vendor._history_user = by  # type: ignore[attr-defined]
    vendor.save()
    return vendor
