"""List page (filters, htmx, CSV), detail page and API list: bounded queries."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from disputes import services
from tests.disputes.factories import make_dispute


def _many(manager, vendor, n, **kw):
    return [make_dispute(vendor=vendor, by=manager, title=f"Dispute {i}", **kw) for i in range(n)]


def test_list_query_count_does_not_grow(
    manager, vendor_a, vendor_b, client_for, django_assert_max_num_queries
):
    client = client_for(manager)
    _many(manager, vendor_a, 3)
    with django_assert_max_num_queries(12) as small:
        assert client.get("/disputes/").status_code == 200
    _many(manager, vendor_b, 12, type="pricing")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/disputes/?sort=-severity_rank")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 15


def test_list_filters(manager, vendor_a, vendor_b, client_for):
    pricing = make_dispute(vendor=vendor_b, by=manager, type="pricing", title="Invoice lines")
    other = make_dispute(vendor=vendor_a, by=manager, type="breach", title="Data breach")
    client = client_for(manager)
    html = client.get(f"/disputes/?vendor={vendor_b.slug}&type=pricing").content.decode()
    assert pricing.reference in html and other.reference not in html
    html = client.get("/disputes/?q=breach").content.decode()
    assert other.reference in html and pricing.reference not in html
    services.dispute_transition(dispute=other, to="escalated", by=manager)
    html = client.get("/disputes/?status=escalated").content.decode()
    assert other.reference in html and pricing.reference not in html


def test_overdue_filter(manager, vendor_a, client_for):
    late = make_dispute(
        vendor=vendor_a, by=manager, severity="critical", now=timezone.now() - timedelta(days=5)
    )
    fresh = make_dispute(vendor=vendor_a, by=manager, severity="low")
    html = client_for(manager).get("/disputes/?overdue=on").content.decode()
    assert late.reference in html and fresh.reference not in html


def test_htmx_request_gets_only_the_results_fragment(manager, vendor_a, client_for):
    d = make_dispute(vendor=vendor_a, by=manager)
    response = client_for(manager).get(
        "/disputes/?type=underperformance", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert d.reference in html and 'id="results"' in html and "<html" not in html


def test_bad_filter_values_do_not_500(manager, client_for):
    response = client_for(manager).get("/disputes/?type=x&severity=y&page=abc&sort=evil")
    assert response.status_code == 200


def test_csv_export_follows_the_filters(manager, vendor_a, vendor_b, client_for):
    a = make_dispute(vendor=vendor_a, by=manager)
    b = make_dispute(vendor=vendor_b, by=manager)
    response = client_for(manager).get(f"/disputes/export.csv?vendor={vendor_a.slug}")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0].startswith("reference,vendor,type")
    assert a.reference in body and b.reference not in body


def test_detail_query_count_does_not_grow_with_the_timeline(
    dispute_a, manager, partner_a, client_for, django_assert_max_num_queries
):
    client = client_for(manager)
    with django_assert_max_num_queries(30) as small:
        assert client.get(dispute_a.get_absolute_url()).status_code == 200
    for i in range(15):
        services.dispute_comment(
            dispute=dispute_a, by=partner_a if i % 2 else manager, body=f"c{i}"
        )
    _many(manager, dispute_a.vendor, 4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(dispute_a.get_absolute_url())
    assert "c14" in response.content.decode()


def test_api_list_query_count_and_filters(
    manager, vendor_a, vendor_b, api_for, django_assert_max_num_queries
):
    api = api_for(manager)
    _many(manager, vendor_a, 2)
    with django_assert_max_num_queries(10) as small:
        api.get("/api/v1/disputes/")
    _many(manager, vendor_b, 10, type="pricing", severity="high")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = api.get("/api/v1/disputes/")
    assert len(response.json()["results"]) == 12
    filtered = api.get(
        f"/api/v1/disputes/?vendor={vendor_b.slug}&type=pricing&severity=high&status=open"
    )
    assert len(filtered.json()["results"]) == 10
    assert api.get("/api/v1/disputes/?type=nope").status_code == 400


def test_edit_page_assigns_the_vendor_assignee(dispute_a, manager, partner_a, client_for):
    client = client_for(manager)
    assert client.get(f"/disputes/{dispute_a.reference}/edit/").status_code == 200
    response = client.post(
        f"/disputes/{dispute_a.reference}/edit/",
        {
            "type": dispute_a.type,
            "severity": "high",
            "title": dispute_a.title,
            "description": dispute_a.description,
            "owner": manager.pk,
            "vendor_assignee": partner_a.pk,
            "version": dispute_a.version,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    dispute_a.refresh_from_db()
    assert dispute_a.vendor_assignee == partner_a and dispute_a.severity == "high"


def test_playbook_tick_is_kept_per_dispute(dispute_a, manager, client_for):
    client = client_for(manager)
    response = client.post(
        f"/disputes/{dispute_a.reference}/playbook/", {"key": "root_cause_joint", "done": "1"}
    )
    assert response.status_code == 302
    dispute_a.refresh_from_db()
    assert dispute_a.playbook["root_cause_joint"]["by"] == "manager"
    bad = client.post(f"/disputes/{dispute_a.reference}/playbook/", {"key": "nope", "done": "1"})
    assert bad.status_code == 400


def test_partner_does_not_see_the_playbook(dispute_a, partner_a, client_for):
    html = client_for(partner_a).get(dispute_a.get_absolute_url()).content.decode()
    assert "Playbook" not in html


def test_api_list_queries_stay_flat_with_linked_contract_clause_and_kpi(
    manager, vendor_a, api_for, django_assert_max_num_queries
):
    from scorecards.library import ensure_kpi_library
    from scorecards.models import KPI
    from tests.contracts.factories import ClauseFactory, ContractFactory

    ensure_kpi_library()
    api = api_for(manager)
    kpi = KPI.objects.get(code="aht")

    def linked(n):
        for i in range(n):
            contract = ContractFactory(vendor=vendor_a)
            clause = ClauseFactory(contract=contract, vendor=vendor_a, number=f"4.{i}")
            make_dispute(
                vendor=vendor_a,
                by=manager,
                type="breach",
                contract=contract,
                clause=clause,
                kpi=kpi,
                title=f"Breach {i}",
            )

    linked(1)
    with django_assert_max_num_queries(10) as small:
        api.get("/api/v1/disputes/")
    linked(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api.get("/api/v1/disputes/").json()["results"]) == 9
