from __future__ import annotations

import pytest
from django.db import connection

from tests.contracts.factories import ClauseFactory, ContractFactory

pytestmark = pytest.mark.django_db

only_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)


def test_search_finds_the_clause_and_highlights_words(client_for, manager, clause_a):
    response = client_for(manager).get("/contracts/clauses/search/", {"q": "calls answered"})
    content = response.content.decode()
    assert "4.2" in content
    assert "<mark>calls</mark>" in content
    assert "<mark>answered</mark>" in content


def test_partner_never_sees_another_vendors_clause(client_for, partner_b, clause_a, contract_b):
    ClauseFactory(contract=contract_b, number="1.1", body="Calls to be answered promptly.")
    response = client_for(partner_b).get("/contracts/clauses/search/", {"q": "calls answered"})
    content = response.content.decode()
    assert "promptly" in content
    assert "measured monthly" not in content


def test_partner_filtering_by_other_vendors_contract_is_a_form_error(
    client_for, partner_b, clause_a
):
    response = client_for(partner_b).get(
        "/contracts/clauses/search/", {"q": "calls", "contract": clause_a.contract_id}
    )
    assert response.status_code == 200
    assert "contract" in response.context["form"].errors
    assert b"measured monthly" not in response.content


def test_filter_by_category_without_words_lists_the_category(client_for, manager, clause_a):
    ClauseFactory(contract=clause_a.contract, number="8.1", heading="Exit", category="termination")
    response = client_for(manager).get("/contracts/clauses/search/", {"category": "termination"})
    assert b"Exit" in response.content
    assert b"measured monthly" not in response.content


def test_highlight_escapes_clause_markup(client_for, manager, contract_a):
    ClauseFactory(contract=contract_a, number="3.3", body="<b onmouseover=x>penalty</b> applies")
    response = client_for(manager).get("/contracts/clauses/search/", {"q": "penalty"})
    content = response.content.decode()
    assert "<b onmouseover" not in content
    assert "<mark>penalty</mark>" in content


def test_search_query_count_does_not_grow(
    client_for, manager, vendor_a, vendor_b, django_assert_max_num_queries
):
    for i in range(15):
        contract = ContractFactory(vendor=vendor_a if i % 2 else vendor_b)
        ClauseFactory(contract=contract, body=f"Service credits apply, case {i}.")
    client = client_for(manager)
    with django_assert_max_num_queries(8):
        response = client.get("/contracts/clauses/search/", {"q": "service credits"})
    assert response.content.count(b'class="search-hit"') == 15


def test_htmx_search_returns_the_results_fragment(client_for, manager, clause_a):
    response = client_for(manager).get(
        "/contracts/clauses/search/", {"q": "seconds"}, HTTP_HX_REQUEST="true"
    )
    assert b'id="results"' in response.content and b"<html" not in response.content


@only_postgres
def test_ranking_puts_the_most_relevant_clause_first(client_for, manager, contract_a):
    ClauseFactory(
        contract=contract_a,
        number="2.1",
        heading="Reporting",
        body="Monthly reports include a section on termination statistics.",
    )
    ClauseFactory(
        contract=contract_a,
        number="12.1",
        heading="Termination for convenience",
        body="Either party may terminate for convenience with 90 days notice; termination "
        "fees apply on early termination.",
    )
    response = client_for(manager).get("/contracts/clauses/search/", {"q": "termination"})
    content = response.content.decode()
    assert content.index(">12.1 ") < content.index(">2.1 ")


@only_postgres
def test_stemming_finds_other_word_forms(client_for, manager, contract_a):
    ClauseFactory(contract=contract_a, number="6.1", body="The vendor terminates the service.")
    response = client_for(manager).get("/contracts/clauses/search/", {"q": "terminating"})
    assert "<mark>terminates</mark>" in response.content.decode()


@only_postgres
def test_search_vector_is_refreshed_on_edit(client_for, manager, clause_a):
    client_for(manager).post(
        f"/contracts/clauses/{clause_a.pk}/edit/",
        {
            "number": "4.2",
            "heading": "Service level",
            "category": "service_level",
            "obligated_party": "vendor",
            "body": "Abandonment rate below five percent.",
        },
    )
    response = client_for(manager).get("/contracts/clauses/search/", {"q": "abandonment"})
    assert b"<mark>Abandonment</mark>" in response.content


@only_postgres
def test_clause_written_through_the_api_is_searchable(api_for, manager, contract_a):
    api_for(manager).post(
        "/api/v1/clauses/",
        {
            "contract": contract_a.pk,
            "number": "11.1",
            "heading": "Audit",
            "body": "The client may audit the vendor's facilities yearly.",
            "category": "other",
        },
        format="json",
    )
    found = api_for(manager).get("/api/v1/clauses/", {"search": "audits"}).json()
    assert [c["number"] for c in found["results"]] == ["11.1"]
