from __future__ import annotations

import pytest

from tests.contracts.factories import ContractFactory
from tests.disputes.factories import make_dispute


@pytest.fixture
def contract_a(vendor_a):
    return ContractFactory(vendor=vendor_a, reference="MSA-A-001")


@pytest.fixture
def dispute_a(manager, vendor_a, partner_a):
    """A dispute with vendor A, asked of the vendor (its partner may answer and attach)."""
    from disputes import services

    dispute = make_dispute(vendor=vendor_a, by=manager, title="Service level below 80 % in March")
    services.dispute_transition(
        dispute=dispute, to="awaiting_vendor", by=manager, note="Please explain"
    )
    return dispute


@pytest.fixture
def stored_files(settings):
    """Every file under MEDIA_ROOT (each test has its own, see tests/conftest.py)."""

    def files() -> list:
        root = settings.MEDIA_ROOT
        return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []

    return files
