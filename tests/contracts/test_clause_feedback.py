"""After an inline clause edit the page says so, and a save that changes nothing makes
no new version (issue 13, "Feedback")."""

from __future__ import annotations

import pytest

from tests.contracts.factories import ClauseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clause(contract_a):
    return ClauseFactory(
        contract=contract_a,
        number="7.1",
        heading="Reporting",
        body="Monthly report by the 5th.\nIncluding AHT and FCR.",
        category="governance",
    )


def _payload(clause, **overrides):
    return {
        "number": clause.number,
        "heading": clause.heading,
        "category": clause.category,
        "obligated_party": clause.obligated_party,
        # What a browser sends for the textarea: CRLF line ends.
        "body": clause.body.replace("\n", "\r\n"),
        **overrides,
    }


def test_inline_edit_says_saved_in_the_messages_region(client_for, manager, clause):
    response = client_for(manager).post(
        f"/contracts/clauses/{clause.pk}/edit/",
        _payload(clause, heading="Monthly reporting"),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="messages"' in html and 'hx-swap-oob="innerHTML"' in html
    assert "Clause 7.1 was saved." in html
    assert clause.history.count() == 2


def test_saving_unchanged_makes_no_new_version(client_for, manager, clause):
    versions = clause.history.count()
    updated = clause.updated_at
    response = client_for(manager).post(
        f"/contracts/clauses/{clause.pk}/edit/", _payload(clause), HTTP_HX_REQUEST="true"
    )
    assert "Nothing changed; clause 7.1 was kept as it was." in response.content.decode()
    assert clause.history.count() == versions
    clause.refresh_from_db()
    assert clause.updated_at == updated
    assert clause.body == "Monthly report by the 5th.\nIncluding AHT and FCR."


def test_unchanged_save_without_htmx_redirects_with_the_message(client_for, manager, clause):
    client = client_for(manager)
    response = client.post(f"/contracts/clauses/{clause.pk}/edit/", _payload(clause), follow=True)
    assert "Nothing changed; clause 7.1 was kept as it was." in response.content.decode()
    assert clause.history.count() == 1
