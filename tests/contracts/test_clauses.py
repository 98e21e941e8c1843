from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from contracts.models import Clause

pytestmark = pytest.mark.django_db


def clause_payload(**overrides):
    data = {
        "number": "5.1",
        "heading": "Service credits",
        "category": "penalty",
        "obligated_party": "vendor",
        "body": "A missed service level earns a credit of 2% of the monthly fee.",
    }
    data.update(overrides)
    return data


def test_manager_adds_clause_inline_with_htmx(client_for, manager, contract_a):
    response = client_for(manager).post(
        f"/contracts/{contract_a.pk}/clauses/new/", clause_payload(), HTTP_HX_REQUEST="true"
    )
    clause = Clause.objects.get(contract=contract_a, number="5.1")
    assert response.status_code == 200
    assert response["HX-Redirect"].endswith(f"#clause-{clause.pk}")
    assert clause.vendor_id == contract_a.vendor_id


def test_duplicate_number_is_a_field_error(client_for, manager, clause_a):
    response = client_for(manager).post(
        f"/contracts/{clause_a.contract_id}/clauses/new/",
        clause_payload(number="4.2"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert b"already has a clause with this number" in response.content
    assert Clause.objects.count() == 1


def test_bad_clause_number_is_a_field_error(client_for, manager, contract_a):
    response = client_for(manager).post(
        f"/contracts/{contract_a.pk}/clauses/new/", clause_payload(number="four")
    )
    assert response.status_code == 400
    assert "number" in response.context["form"].errors
    assert not Clause.objects.exists()


def test_inline_edit_returns_the_updated_clause_fragment(client_for, manager, clause_a):
    client = client_for(manager)
    form = client.get(f"/contracts/clauses/{clause_a.pk}/edit/", HTTP_HX_REQUEST="true")
    assert b"<html" not in form.content and b"Save new version" in form.content
    response = client.post(
        f"/contracts/clauses/{clause_a.pk}/edit/",
        clause_payload(
            number="4.2", category="service_level", body="85% of calls answered within 20 seconds."
        ),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"85% of calls" in response.content
    assert b"<html" not in response.content
    clause_a.refresh_from_db()
    assert clause_a.body.startswith("85%")


def test_executive_gets_403_and_other_partner_404_on_clause_writes(
    client_for, executive, partner_a, partner_b, clause_a
):
    url = f"/contracts/clauses/{clause_a.pk}/edit/"
    assert client_for(executive).post(url, clause_payload()).status_code == 403
    assert client_for(partner_a).post(url, clause_payload()).status_code == 403
    assert client_for(partner_b).post(url, clause_payload()).status_code == 404
    new_url = f"/contracts/{clause_a.contract_id}/clauses/new/"
    assert client_for(executive).post(new_url, clause_payload()).status_code == 403
    assert client_for(partner_b).post(new_url, clause_payload()).status_code == 404
    clause_a.refresh_from_db()
    assert clause_a.heading == "Service level"
    assert Clause.objects.count() == 1


def test_clause_fragment_is_scoped(client_for, partner_b, partner_a, clause_a):
    url = f"/contracts/clauses/{clause_a.pk}/"
    assert client_for(partner_b).get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert client_for(partner_a).get(url, HTTP_HX_REQUEST="true").status_code == 200


def test_history_shows_the_earlier_text_as_of_a_date(client_for, manager, partner_a, clause_a):
    first = clause_a.history.get()
    first.history_date = timezone.now() - timedelta(days=10)
    first.save()
    client_for(manager).post(
        f"/contracts/clauses/{clause_a.pk}/edit/",
        clause_payload(
            number="4.2",
            category="service_level",
            body="90% of calls answered within 15 seconds, measured weekly.",
        ),
    )
    earlier = (timezone.localdate() - timedelta(days=5)).isoformat()
    response = client_for(partner_a).get(
        f"/contracts/clauses/{clause_a.pk}/history/", {"as_of": earlier}
    )
    content = response.content.decode()
    as_of = content[content.index("as of") : content.index("Versions")]
    assert "80% of calls answered within 20 seconds" in as_of
    assert "90% of calls" not in as_of
    assert "<del>80%</del>" in content and "<ins>90%</ins>" in content


def test_history_before_the_clause_existed_says_so(client_for, manager, clause_a):
    response = client_for(manager).get(
        f"/contracts/clauses/{clause_a.pk}/history/", {"as_of": "2001-01-01"}
    )
    assert b"did not exist yet" in response.content


def test_history_with_a_bad_date_is_a_message_not_a_500(client_for, manager, clause_a):
    response = client_for(manager).get(
        f"/contracts/clauses/{clause_a.pk}/history/", {"as_of": "March"}
    )
    assert response.status_code == 200
    assert b"YYYY-MM-DD" in response.content


def test_history_is_404_for_other_partner(client_for, partner_b, clause_a):
    assert (
        client_for(partner_b).get(f"/contracts/clauses/{clause_a.pk}/history/").status_code == 404
    )


def test_diff_escapes_markup(client_for, manager, clause_a):
    client_for(manager).post(
        f"/contracts/clauses/{clause_a.pk}/edit/",
        clause_payload(number="4.2", category="service_level", body="<script>x</script> 80%"),
    )
    response = client_for(manager).get(f"/contracts/clauses/{clause_a.pk}/history/")
    assert b"<script>x" not in response.content
    assert b"&lt;script&gt;" in response.content
