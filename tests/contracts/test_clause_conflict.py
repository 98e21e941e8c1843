"""Two managers edit the same clause: the second save is refused with 409 and says so,
instead of silently overwriting the first (issue 13, "Errors vanish")."""

from __future__ import annotations

import re

import pytest

from contracts import services
from contracts.models import Clause
from tests.contracts.factories import ClauseFactory

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clause(contract_a):
    return ClauseFactory(
        contract=contract_a,
        number="7.1",
        heading="Reporting",
        body="Monthly report by the 5th.",
        category="governance",
    )


def _opened(client, clause) -> dict:
    """What the edit form holds when a manager opens it (incl. the hidden based_on)."""
    html = client.get(f"/contracts/clauses/{clause.pk}/edit/", **HX).content.decode()
    based_on = re.search(r'name="based_on" value="([^"]+)"', html).group(1)
    return {
        "number": clause.number,
        "heading": clause.heading,
        "category": clause.category,
        "obligated_party": clause.obligated_party,
        "body": clause.body,
        "based_on": based_on,
    }


def test_stale_edit_is_a_visible_409_and_keeps_the_other_edit(
    client_for, manager, clause, django_user_model
):
    client = client_for(manager)
    form = _opened(client, clause)
    # Meanwhile a colleague saves a new version.
    other = Clause.objects.get(pk=clause.pk)
    other.body = "Monthly report by the 3rd."
    services.clause_save(clause=other, by=manager)

    response = client.post(
        f"/contracts/clauses/{clause.pk}/edit/", {**form, "body": "Weekly report."}, **HX
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this" in html and "data-error-summary" in html
    assert "Someone else saved clause 7.1" in html
    assert "Weekly report." in html  # the user's text is kept in the form
    clause.refresh_from_db()
    assert clause.body == "Monthly report by the 3rd."
    assert clause.history.count() == 2


def test_fresh_edit_saves(client_for, manager, clause):
    client = client_for(manager)
    form = _opened(client, clause)
    response = client.post(
        f"/contracts/clauses/{clause.pk}/edit/", {**form, "body": "Weekly report."}, **HX
    )
    assert response.status_code == 200
    clause.refresh_from_db()
    assert clause.body == "Weekly report."


def test_bad_input_is_a_visible_400_with_a_summary(client_for, manager, clause):
    client = client_for(manager)
    form = _opened(client, clause)
    response = client.post(f"/contracts/clauses/{clause.pk}/edit/", {**form, "heading": ""}, **HX)
    html = response.content.decode()
    assert response.status_code == 400
    assert "data-error-summary" in html and 'href="#id_heading"' in html
    clause.refresh_from_db()
    assert clause.heading == "Reporting"
