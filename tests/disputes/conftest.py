from __future__ import annotations

import pytest

from tests.disputes.factories import make_dispute


@pytest.fixture
def dispute_a(manager, vendor_a, partner_a):
    """A dispute with vendor A, asked of the vendor (its partner may answer)."""
    d = make_dispute(vendor=vendor_a, by=manager, title="Service level below 80 % in March")
    from disputes import services

    services.dispute_transition(dispute=d, to="awaiting_vendor", by=manager, note="Please explain")
    return d
