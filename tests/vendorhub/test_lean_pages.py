"""Query counts of the busiest pages do not grow with the data (issue 14).

Each page is requested at two data sizes; the larger must not cost one query more.
(``tests/vendorhub/test_home.py`` holds a fixed upper bound; this pins "no growth",
which catches an N+1 a generous bound hides: the owner of each of "my vendors".)
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import VendorFactory
from tests.vendorhub.test_home import fill_portfolio

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["manager", "executive", "partner_a"])
def test_home_costs_the_same_queries_at_two_sizes(request, client_for, manager, vendor_a, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    vendor_a.relationship_owner = manager
    vendor_a.save()
    fill_portfolio(manager, [vendor_a])
    small = queries(client, "/")
    more = [VendorFactory(slug=f"lean-{n}", relationship_owner=manager) for n in range(8)]
    fill_portfolio(manager, [vendor_a, *more])
    response = client.get("/")
    if who == "manager":
        assert len(response.context["my_vendors"]) == 9
    assert queries(client, "/") == small
