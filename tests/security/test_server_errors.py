"""The six causes of a 500 found by the first release's attackers, each now a clear 400.

Nested JSON (RecursionError), odd UTC offsets in filters (DataError), periods and
weeks at the ends of the calendar (OverflowError), a NUL in the address (ValueError),
and a formset asked to build 1,000 forms (a worker killed after 30 s).
"""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from rest_framework.test import APIClient

from contracts.models import Contract
from tests.security.world import api_operations, api_path, build_world, openapi_schema
from vendorhub.models import Vendor, VendorSite

pytestmark = pytest.mark.django_db

DEEP = 5_000


@pytest.fixture
def world(vendor_a, vendor_b, manager, executive, partner_a, partner_b):
    return build_world(
        vendor_a=vendor_a,
        vendor_b=vendor_b,
        manager=manager,
        executive=executive,
        partner_a=partner_a,
        partner_b=partner_b,
    )


# --- 1. JSON nested 5,000 deep ------------------------------------------------------------
def _json_operations(schema: dict) -> list[tuple[str, str]]:
    return [
        (path, method)
        for path, method, operation in api_operations(schema)
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


def test_deeply_nested_json_is_a_400_on_every_json_endpoint(world, api_for, manager):
    """Sent as a manager; an operation refused to managers before its body is read
    (a vendor's own moves, such as disputing a credit claim) is sent by vendor A's partner."""
    managers, partners = api_for(manager), api_for(world.partner_a)
    operations = _json_operations(openapi_schema())
    assert len(operations) >= 20, "the schema should list the API's JSON writes"

    def send(template: str, method: str, nested: str):
        path = api_path(world, template)
        answer = managers.generic(method, path, nested, content_type="application/json")
        if answer.status_code == 403:
            answer = partners.generic(method, path, nested, content_type="application/json")
        return answer

    for nested in ("[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP):
        answers = {
            f"{method} {template}": send(template, method, nested)
            for template, method in operations
        }
        wrong = {op: r.status_code for op, r in answers.items() if r.status_code != 400}
        assert wrong == {}
        assert all("nested more than" in r.json()["detail"] for r in answers.values())


def test_deeply_nested_json_to_the_anonymous_token_endpoint_is_a_400(db):
    response = APIClient().post(
        "/api/v1/auth/token/", "[" * DEEP + "]" * DEEP, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_json_of_ordinary_depth_still_works(api_for, manager, vendor_a):
    nested = {"name": "Deep but fine", "slug": "deep-but-fine", "country": "PT"}
    response = api_for(manager).post(
        "/api/v1/vendors/", {**nested, "timezone": "Europe/Lisbon", "status": "onboarding"}
    )
    assert response.status_code == 201, response.content
    assert Vendor.objects.filter(slug="deep-but-fine").exists()


# --- 2. Offsets PostgreSQL refuses, dates at the ends of the calendar ---------------------
BAD_TIMES = [
    "2026-03-01T10:00:00 16:00",  # "+" sent unencoded decodes to a space
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01",
    "9999-12-31",
    "2101-01-01T00:00:00Z",
    "tomorrow",
]


def test_meeting_time_filters_answer_400_to_bad_times_and_years(api_for, manager):
    api = api_for(manager)
    for name in ("start_after", "start_before"):
        for value in BAD_TIMES:
            response = api.get("/api/v1/meetings/", {name: value})
            assert response.status_code == 400, (name, value)
            assert name in response.json(), (name, value)


def test_meeting_time_filters_take_any_offset_python_parses(world, api_for, manager):
    """PostgreSQL refuses offsets beyond ±15:59 (the DataError): the filter converts to
    UTC first, so the same instant finds the same meetings whatever the offset."""
    start = world.a["meeting"].start
    api = api_for(manager)
    for offset in ("+16:00", "+23:59", "-23:59", "+14:00", "-12:00"):
        sign = 1 if offset[0] == "+" else -1
        zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
        for name, instant, found in (
            ("start_after", start, True),
            ("start_before", start, False),
            ("start_after", start.replace(microsecond=1), False),
        ):
            value = instant.astimezone(zone).isoformat()
            response = api.get("/api/v1/meetings/", {name: value, "vendor": world.vendor_a.slug})
            assert response.status_code == 200, response.content
            ids = [m["id"] for m in response.json()["results"]]
            assert (world.a["meeting"].pk in ids) is found, (name, value)


PERIODS = ["9999-Q4", "9999-12", "0001-01", "0000-Q1", "2101-01", "1899-12"]
RANGE = "between 1900 and 2100"


def test_scorecard_pages_show_a_period_error_at_the_ends_of_the_calendar(
    client_for, manager, vendor_a
):
    client = client_for(manager)
    for period in PERIODS:
        for url in ("/scorecards/dashboard/", f"/scorecards/vendor/{vendor_a.slug}/"):
            response = client.get(url, {"period": period})
            assert response.status_code == 200, (url, period)
            assert RANGE in response.content.decode(), (url, period)


def test_scorecard_export_and_api_answer_400_at_the_ends_of_the_calendar(
    client_for, api_for, manager, vendor_a
):
    client, api = client_for(manager), api_for(manager)
    for period in PERIODS:
        export = client.get("/scorecards/dashboard/export.csv", {"period": period})
        assert export.status_code == 400, period
        assert RANGE in export.content.decode(), period
        response = api.get("/api/v1/scorecards/", {"period": period})
        assert response.status_code == 400, period
        assert RANGE in response.json()["period"][0], period


def test_publishing_a_period_at_the_ends_of_the_calendar_is_refused(client_for, manager, vendor_a):
    from scorecards.models import PublishedScorecard

    client = client_for(manager)
    for period in PERIODS:
        response = client.post(
            f"/scorecards/vendor/{vendor_a.slug}/publish/", {"period": period}, follow=True
        )
        assert response.status_code == 200, period
        assert RANGE in response.content.decode(), period
    assert PublishedScorecard.objects.count() == 0


def test_slot_finder_refuses_weeks_at_the_ends_of_the_calendar(client_for, manager, vendor_a):
    client = client_for(manager)
    query = {"vendor": vendor_a.slug, "duration_minutes": 60}
    for week in ("9999-12-31", "0001-01-01", "2101-01-03"):
        for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
            response = client.get(
                "/meetings/slots/", query | {"week": week, "client_timezone": zone}
            )
            assert response.status_code == 200, week
            assert "between the years 1900 and 2100" in response.content.decode(), week
            assert response.context["slots_by_day"] == [], week
    ordinary = client.get(
        "/meetings/slots/", query | {"week": "2030-03-06", "client_timezone": "Europe/Berlin"}
    )
    assert ordinary.context["slots_by_day"], "Manila and Berlin share morning hours"


# --- 3. A NUL in the address ----------------------------------------------------------------
PAGES_WITH_NUL = [
    "/disputes/?vendor=acme%00",
    "/disputes/?q=%00",
    "/disputes/export.csv?vendor=%00",
    "/disputes/new/?vendor=acme-contact%00",
    "/disputes/similar/?vendor=%00&type=breach",
    "/disputes/DSP-2026%00/",
    "/contracts/?q=x%00y",
    "/contracts/clauses/search/?q=%00",
    "/meetings/?vendor=%00",
    "/scorecards/measurements/?vendor=%00&kpi=%00",
    "/scorecards/?period=%00",
    "/vendors/?q=%00",
    "/notifications/?show=%00",
    "/?next=%00",
    "/disputes/?a%00b=1",
]
API_WITH_NUL = [
    "/api/v1/disputes/?vendor=%00",
    "/api/v1/clauses/?search=%00",
    "/api/v1/scorecards/?vendor=%00",
    "/api/v1/measurements/?kpi=%00",
    "/api/v1/vendors/acme%00/",
]


def test_a_nul_in_the_address_is_a_400(client, client_for, api_for, manager, partner_a):
    for user in (manager, partner_a):
        pages = client_for(user)
        for url in PAGES_WITH_NUL:
            response = pages.get(url)
            assert response.status_code == 400, (user, url)
            assert "NUL" in response.content.decode(), url
        api = api_for(user)
        for url in API_WITH_NUL:
            response = api.get(url)
            assert response.status_code == 400, (user, url)
            assert "NUL" in response.json()["detail"], url
    client.logout()
    assert client.get("/accounts/login/?next=%00").status_code == 400


# --- 4. A formset asked to build 1,000 forms --------------------------------------------------
def _vendor_post(**overrides) -> dict:
    data = {
        "name": "Pacific Voice",
        "slug": "pacific-voice",
        "status": "onboarding",
        "country": "IN",
        "timezone": "Asia/Kolkata",
        "working_hours_start": "09:00",
        "working_hours_end": "18:00",
        "working_days": ["1", "2", "3", "4", "5"],
        "services": ["voice"],
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "sites-TOTAL_FORMS": "0",
        "sites-INITIAL_FORMS": "0",
    }
    return data | overrides


@pytest.mark.parametrize("prefix", ["sites", "contacts"])
def test_a_formset_of_1000_forms_is_refused_quickly_and_saves_nothing(
    client_for, manager, vendor_a, prefix
):
    client = client_for(manager)
    data = _vendor_post(**{f"{prefix}-TOTAL_FORMS": "1000"})  # the whole attack
    sites_before = VendorSite.objects.count()
    for url in ("/vendors/new/", f"/vendors/{vendor_a.slug}/edit/"):
        response = client.post(url, data)
        assert response.status_code == 400, url
        assert "Please submit at most 20 forms." in response.content.decode()
        # The cost is bounded by forms built, not by what TOTAL_FORMS claims (wall-clock
        # time on a shared CI machine is no test: ~1 s idle for 20 site forms).
        assert len(response.context[prefix].forms) == 20
    assert not Vendor.objects.filter(slug="pacific-voice").exists()
    assert VendorSite.objects.count() == sites_before


def test_every_formset_in_the_code_is_bounded():
    """A new formset without ``absolute_max`` would bring the 30-second request back."""
    from vendorhub.forms import MAX_INLINE_ROWS, VendorContactFormSet, VendorSiteFormSet

    for formset in (VendorContactFormSet, VendorSiteFormSet):
        assert formset.absolute_max == formset.max_num == MAX_INLINE_ROWS
        assert formset.validate_max


def test_no_formset_factory_is_called_without_bounds():
    """Grep the sources: every formset factory call names ``absolute_max``."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    factories = {"formset_factory", "inlineformset_factory", "modelformset_factory"}
    unbounded = []
    for path in root.glob("*/**/*.py"):
        if any(part in (".venv", "tests", "migrations", ".tools") for part in path.parts):
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                keywords = {k.arg for k in node.keywords}
                if name in factories and not (
                    "absolute_max" in keywords or None in keywords  # **BOUNDED_FORMSET
                ):
                    unbounded.append(f"{path.relative_to(root)}:{node.lineno}")
    assert unbounded == []


# --- Found by the fuzzer (tests/security/test_fuzz.py) ------------------------------------
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"renewal_notice_days": 2_060_987}, "renewal_notice_days"),
        ({"termination_notice_days": 3651}, "termination_notice_days"),
        (
            {"effective_date": "0001-01-01", "end_date": "0001-02-01", "renewal_notice_days": 90},
            "renewal_notice_days",
        ),
    ],
)
def test_a_notice_period_past_the_calendar_is_a_field_error(
    world, api_for, manager, changes, field
):
    contract = world.a["contract"]
    stored = Contract.objects.filter(pk=contract.pk).values(*changes)
    before = list(stored)
    response = api_for(manager).patch(f"/api/v1/contracts/{contract.pk}/", changes, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert list(stored.all()) == before  # nothing written
