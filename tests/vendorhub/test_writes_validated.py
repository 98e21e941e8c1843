"""Every write is validated as a whole before anything is written: bad input is a 400
with a field error (API) or an error next to the field (pages), never a 500, and it
leaves no row behind — not even a first row of a request that fails later.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from contracts.models import Contract
from disputes.models import Dispute, DisputeEvent
from meetings.models import ActionItem, AgendaItem, Meeting, MeetingSeries
from scorecards.models import KPI, Target
from tests.contracts.factories import ContractFactory
from tests.disputes.factories import make_dispute
from tests.meetings.factories import MeetingFactory
from tests.scorecards.factories import MeasurementFactory
from vendorhub.models import Vendor

pytestmark = pytest.mark.django_db

SERIES = {
    "vendor": "acme-contact",
    "title": "Weekly ops",
    "kind": "weekly_ops",
    "rrule": "FREQ=WEEKLY;BYDAY=TU",
    "start_time": "10:00",
    "timezone": "Asia/Manila",
    "duration_minutes": 45,
    "channel": "video",
}


def test_series_with_a_301_character_agenda_line_is_400_and_leaves_no_row(
    api_for, manager, vendor_a
):
    """The reproduction: this answered 500 but kept the series, and from then on every
    reminder sweep failed on it."""
    body = {**SERIES, "standing_agenda": "Review of the week\n" + "x" * 301}
    response = api_for(manager).post("/api/v1/meeting-series/", body, format="json")
    assert response.status_code == 400
    assert "line 2" in response.json()["standing_agenda"][0]
    assert not MeetingSeries.objects.exists()
    assert not Meeting.objects.exists() and not AgendaItem.objects.exists()
    call_command("send_reminders")  # and the sweep has nothing to choke on


def test_series_with_a_300_character_line_is_fine(api_for, manager, vendor_a):
    body = {**SERIES, "standing_agenda": "y" * 300}
    response = api_for(manager).post("/api/v1/meeting-series/", body, format="json")
    assert response.status_code == 201, response.content
    assert AgendaItem.objects.filter(title="y" * 300).exists()


def _series(**overrides):
    return ("/api/v1/meeting-series/", {**SERIES, **overrides}, MeetingSeries)


def _meeting(**overrides):
    body = {
        "vendor": "acme-contact",
        "title": "Ops",
        "start": "2026-03-03T10:00:00+01:00",
        "duration_minutes": 30,
        **overrides,
    }
    return ("/api/v1/meetings/", body, Meeting)


def _contract(**overrides):
    body = {
        "vendor": "acme-contact",
        "reference": "MSA-9",
        "title": "Master services",
        "status": "active",
        "effective_date": "2025-01-01",
        "pricing_model": "per_contact",
        "currency": "EUR",
        **overrides,
    }
    return ("/api/v1/contracts/", body, Contract)


def _dispute(**overrides):
    body = {
        "vendor": "acme-contact",
        "type": "pricing",
        "severity": "medium",
        "title": "Invoice for May",
        "description": "Charged 12,000 contacts; we count 10,500.",
        **overrides,
    }
    return ("/api/v1/disputes/", body, Dispute)


def _vendor(**overrides):
    body = {"name": "Pacific Voice", "slug": "pacific-voice", "country": "PH"}
    return ("/api/v1/vendors/", {"timezone": "Asia/Manila", **body, **overrides}, Vendor)


def _target(**overrides):
    body = {
        "vendor": "acme-contact",
        "kpi": "aht",
        "target": 300,
        "threshold": 360,
        "weight": 20,
        "effective_from": "2025-01-01",
        **overrides,
    }
    return ("/api/v1/targets/", body, Target)


def _kpi(**overrides):
    body = {
        "code": "chat_concurrency",
        "name": "Chat concurrency",
        "unit": "count",
        "direction": "higher",
        "aggregation": "mean",
        **overrides,
    }
    return ("/api/v1/kpis/", body, KPI)


CASES = {
    "series title too long": (_series(title="t" * 201), "title"),
    "series duration out of range": (_series(duration_minutes=0), "duration_minutes"),
    "series duration too long": (_series(duration_minutes=10_000), "duration_minutes"),
    "series kind not a choice": (_series(kind="weekly"), "kind"),
    "series channel not a choice": (_series(channel="pigeon"), "channel"),
    "series time zone unknown": (_series(timezone="Mars/Base"), "timezone"),
    "series rule sub-daily": (_series(rrule="FREQ=MINUTELY"), "rrule"),
    "meeting status not a choice": (_meeting(status="done"), "status"),
    "meeting duration too long": (_meeting(duration_minutes=601), "duration_minutes"),
    "meeting title too long": (_meeting(title="t" * 201), "title"),
    "contract currency": (_contract(currency="EURO"), "currency"),
    "contract pricing model": (_contract(pricing_model="per_smile"), "pricing_model"),
    "contract notice days negative": (_contract(renewal_notice_days=-1), "renewal_notice_days"),
    "contract ends before it starts": (_contract(end_date="2024-01-01"), "end_date"),
    "dispute title too long": (_dispute(title="t" * 201), "title"),
    "dispute severity": (_dispute(severity="urgent"), "severity"),
    "dispute amount negative": (
        _dispute(disputed_amount="-5.00", currency="EUR"),
        "disputed_amount",
    ),
    "dispute amount too many digits": (
        _dispute(disputed_amount="1" * 15, currency="EUR"),
        "disputed_amount",
    ),
    "vendor status": (_vendor(status="gone"), "status"),
    "vendor time zone": (_vendor(timezone="Mars/Base"), "timezone"),
    "vendor working hours": (
        _vendor(working_hours_start="18:00", working_hours_end="09:00"),
        "working_hours_end",
    ),
    "target weight negative": (_target(weight=-1), "weight"),
    "target red line on the wrong side": (_target(threshold=200), "threshold"),
    "kpi unit": (_kpi(unit="parsecs"), "unit"),
    "kpi code too long": (_kpi(code="k" * 65), "code"),
}


@pytest.mark.parametrize(("case", "field"), CASES.values(), ids=list(CASES))
def test_bad_api_write_is_a_400_field_error_and_writes_nothing(
    case, field, api_for, manager, vendor_a
):
    url, body, model = case
    before = model.objects.count()
    response = api_for(manager).post(url, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert model.objects.count() == before


def test_bad_action_item_and_comment_write_nothing(api_for, manager, vendor_a):
    meeting = MeetingFactory(vendor=vendor_a)
    api = api_for(manager)
    item = {"meeting": meeting.pk, "title": "t" * 301, "side": "vendor", "due_date": "2026-01-01"}
    response = api.post("/api/v1/action-items/", item, format="json")
    assert response.status_code == 400 and "title" in response.json()
    assert not ActionItem.objects.exists()

    dispute = make_dispute(vendor=vendor_a, by=manager)
    events = DisputeEvent.objects.count()
    long = api.post(f"/api/v1/disputes/{dispute.pk}/comments/", {"body": "b" * 20001})
    assert long.status_code == 400 and "body" in long.json()
    assert DisputeEvent.objects.count() == events


def test_measurement_figures_must_be_finite_numbers(api_for, manager, vendor_a):
    measurement = MeasurementFactory(vendor=vendor_a)
    url = f"/api/v1/measurements/{measurement.pk}/"
    api = api_for(manager)
    for bad in ("Infinity", "NaN", "lots"):
        body = {"value": bad, "version": measurement.version}
        response = api.patch(url, body, format="json")
        assert response.status_code == 400 and "value" in response.json(), (bad, response.content)
    measurement.refresh_from_db()
    assert measurement.value == 80.0 and measurement.version == 1


def test_contract_edit_that_fails_validation_changes_nothing(api_for, manager, vendor_a):
    contract = ContractFactory(vendor=vendor_a, title="Original")
    response = api_for(manager).patch(
        f"/api/v1/contracts/{contract.pk}/",
        {"title": "Changed", "currency": "EURO"},
        format="json",
    )
    assert response.status_code == 400
    contract.refresh_from_db()
    assert contract.title == "Original"


# --- pages --------------------------------------------------------------------------


def test_series_page_refuses_a_too_long_agenda_line_next_to_the_field(
    client_for, manager, vendor_a
):
    form = {
        "vendor": vendor_a.pk,
        "title": "Weekly ops",
        "kind": "weekly_ops",
        "rrule": "FREQ=WEEKLY;BYDAY=WE",
        "starts_on": "2026-01-01",
        "start_time": "09:00",
        "timezone": "Europe/Berlin",
        "duration_minutes": 45,
        "channel": "video",
        "standing_agenda": "z" * 301,
        "is_active": "on",
    }
    response = client_for(manager).post("/meetings/series/new/", form)
    assert response.status_code in (200, 400)
    assert "at most 300 characters" in response.content.decode()
    assert not MeetingSeries.objects.exists() and not Meeting.objects.exists()


def test_dispute_page_refuses_a_too_long_title(client_for, manager, vendor_a):
    form = {
        "vendor": vendor_a.slug,
        "type": "pricing",
        "severity": "medium",
        "title": "t" * 201,
        "description": "Facts.",
    }
    response = client_for(manager).post("/disputes/new/", form)
    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()
    assert not Dispute.objects.exists()


def test_agenda_point_on_a_cancelled_meeting_is_an_error_on_the_page(client_for, manager, vendor_a):
    """The service's error names a field the form does not have (``meeting``): it goes
    to the form's non-field errors instead of raising (this was a server error)."""
    meeting = MeetingFactory(vendor=vendor_a, status="cancelled")
    client = client_for(manager)
    fragment = client.post(
        f"/meetings/{meeting.pk}/agenda/", {"title": "Backlog"}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    page = client.post(f"/meetings/{meeting.pk}/agenda/", {"title": "Backlog"}, follow=True)
    assert "The agenda point was not added" in page.content.decode()
    assert not meeting.agenda_items.exists()
