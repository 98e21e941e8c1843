"""The API's big lists (disputes, measurements) page by position, not by number.

Issue 14: a ``COUNT(*)`` over 200,000 disputes or 2,000,000 measurements on every page,
and an ``OFFSET`` that made page 4,000 11–15× slower than page 1. Now every page is
the next 50 rows after the last one seen: following ``next`` visits each visible row
exactly once, in order; ``previous`` goes back; no page counts the table; the last
page costs the same queries as the first.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.models import Dispute
from scorecards.models import Measurement
from vendorhub.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench(db):
    call_command("seed_large", "--scale", "0.002", "--seed", "5", verbosity=0)


def walk(api, url: str) -> tuple[list[dict], list[list[str]], list[dict]]:
    """Every page from ``url`` on: rows, the SQL of each page, the bodies."""
    rows, sql, bodies = [], [], []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"next", "previous", "results"}
        rows += body["results"]
        sql.append([q["sql"] for q in captured.captured_queries])
        bodies.append(body)
        url = body["next"]
    return rows, sql, bodies


def assert_no_count_and_flat_cost(sql: list[list[str]]) -> None:
    for queries in sql:
        assert not any("COUNT(" in q.upper() for q in queries), queries
    # The deepest page costs the queries the first one does (no growth with depth).
    assert len(sql[-1]) <= len(sql[0])


def test_following_next_visits_every_dispute_once_newest_first(bench, manager, api_for):
    api = api_for(manager)
    rows, sql, bodies = walk(api, "/api/v1/disputes/")
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) == Dispute.objects.count() == 400
    expected = list(Dispute.objects.order_by("-created_at", "-id").values_list("id", flat=True))
    assert ids == expected
    assert len(bodies) == 8 and all(len(b["results"]) == 50 for b in bodies)
    assert_no_count_and_flat_cost(sql)
    # ``previous`` from the second page is the first page again.
    back = api.get(bodies[1]["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in bodies[0]["results"]]
    assert bodies[0]["previous"] is None and bodies[-1]["next"] is None


def test_ordering_parameter_keeps_every_row_exactly_once(bench, manager, api_for):
    rows, _sql, _bodies = walk(api_for(manager), "/api/v1/disputes/?ordering=severity")
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) == 400
    severities = [row["severity"] for row in rows]
    assert severities == sorted(severities)


def test_partner_pages_only_through_their_vendor(bench, vendor_b, api_for):
    other = Dispute.objects.first()
    other.pk, other.reference, other.vendor = None, "DSP-1999-0001", vendor_b
    other.contract = other.clause = None
    other.save()
    partner = User.objects.get(username="bench.partner.1")
    rows, _sql, _bodies = walk(api_for(partner), "/api/v1/disputes/")
    assert len(rows) == 400
    assert "DSP-1999-0001" not in {row["reference"] for row in rows}


def test_measurements_page_by_position(bench, manager, api_for):
    api = api_for(manager)
    rows, sql, _bodies = walk(api, "/api/v1/measurements/?kpi=service_level")
    ids = [row["id"] for row in rows]
    expected = list(
        Measurement.objects.filter(kpi__code="service_level")
        .order_by("-period_start", "id")
        .values_list("id", flat=True)
    )
    assert ids == expected and len(ids) > 100
    assert_no_count_and_flat_cost(sql)
    everything = api.get("/api/v1/measurements/").json()
    assert len(everything["results"]) == 50 and everything["next"]
