from __future__ import annotations

import pytest

from tests.contracts.factories import ClauseFactory, ContractFactory


@pytest.fixture
def contract_a(vendor_a):
    return ContractFactory(vendor=vendor_a, reference="MSA-A-001", internal_notes="Secret plan B")


@pytest.fixture
def contract_b(vendor_b):
    return ContractFactory(vendor=vendor_b, reference="MSA-B-001")


@pytest.fixture
def clause_a(contract_a):
    return ClauseFactory(
        contract=contract_a,
        number="4.2",
        heading="Service level",
        body="80% of calls answered within 20 seconds, measured monthly.",
        category="service_level",
    )
