from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from contracts import demo as contracts_demo
from contracts.models import Amendment, Clause, Contract, ScopeChange
from vendorhub.demo import DemoData, seed_core

pytestmark = pytest.mark.django_db


def test_seed_is_realistic_and_idempotent():
    data = DemoData()
    seed_core(data)
    contracts_demo.seed(data)
    contracts_demo.seed(data)
    # Three SOWs with their clauses, and a second (USD) contract for the EUR vendor so
    # that the demo shows credits in two currencies on one vendor page.
    assert Contract.objects.count() == 4
    assert set(
        Contract.objects.filter(vendor__slug="nordlicht-cx").values_list("currency", flat=True)
    ) == {"EUR", "USD"}
    assert len(set(Contract.objects.values_list("pricing_model", flat=True))) >= 3
    for contract in Contract.objects.exclude(reference=contracts_demo.SECOND_CONTRACT["reference"]):
        clauses = contract.clauses.all()
        assert clauses.count() >= 30
        assert {c.category for c in clauses} >= {
            "scope",
            "service_level",
            "kpi",
            "penalty",
            "pricing",
            "termination",
            "governance",
            "communication",
            "data_protection",
            "other",
        }
    assert Amendment.objects.count() == 3 and ScopeChange.objects.count() == 3
    amended = Amendment.objects.first().clauses.get()
    assert amended.history.count() == 2
    today = timezone.localdate()
    assert Contract.objects.due_for_notice(today, today + timedelta(days=60)).count() == 1
    assert Clause.objects.filter(body__contains="answered within 20 seconds").exists()
