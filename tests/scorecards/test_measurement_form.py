"""The measurement form never silently overwrites what the user typed: counts or a
value, a contradiction is an error, what will be stored is shown before saving; edits
and deletions keep the history."""

from __future__ import annotations

from datetime import date

import pytest

from scorecards.models import Measurement
from tests.contracts.factories import ContractFactory
from tests.scorecards.factories import MeasurementFactory, kpi

pytestmark = pytest.mark.django_db
NEW = "/scorecards/measurements/new/"


def _form(**figures):
    return {
        "vendor": "acme-contact",
        "kpi": kpi(figures.pop("code", "service_level")).pk,
        "period_start": "2026-03-03",
        "granularity": "day",
        "supplied_by": "client",
        **figures,
    }


def test_a_value_that_contradicts_its_counts_is_a_form_error(client_for, manager, vendor_a):
    """Was: 82.5 with numerator 600 and denominator 900 stored as 66.67 without a word."""
    response = client_for(manager).post(
        NEW, _form(value="82.5", numerator="600", denominator="900")
    )
    assert response.status_code == 400
    assert "82.5% does not match 600 ÷ 900, which give 66.67%" in response.content.decode()
    assert Measurement.objects.count() == 0


def test_what_will_be_stored_is_shown_first_and_saved_only_as_shown(client_for, manager, vendor_a):
    client = client_for(manager)
    figures = _form(
        answered="900", answered_in_threshold="720", abandoned="60", short_abandoned="20"
    )
    preview = client.post(NEW, figures)
    assert preview.status_code == 200
    assert "What will be stored" in preview.content.decode()
    assert "76.60%" in preview.content.decode()  # 720 ÷ (900 + 60 − 20)
    assert Measurement.objects.count() == 0
    checked = preview.context["form"].data["checked"]
    # A figure changed after the preview: shown again, not saved.
    again = client.post(NEW, {**figures, "answered_in_threshold": "700", "checked": checked})
    assert again.status_code == 200 and Measurement.objects.count() == 0
    saved = client.post(NEW, {**figures, "checked": checked})
    assert saved.status_code == 302
    row = Measurement.objects.get()
    assert row.value == pytest.approx(720 / 940 * 100)
    assert (row.answered, row.short_abandoned, row.entered_by) == (900, 20, manager)


def test_counts_use_the_contracts_definition_in_the_preview_and_when_saved(
    client_for, manager, vendor_a
):
    ContractFactory(vendor=vendor_a, abandon_treatment="exclude")
    client = client_for(manager)
    figures = _form(answered="900", answered_in_threshold="720", abandoned="60")
    preview = client.post(NEW, figures)
    assert "80.00%" in preview.content.decode()  # exclude: 720 ÷ 900
    client.post(NEW, {**figures, "checked": preview.context["form"].data["checked"]})
    assert Measurement.objects.get().value == pytest.approx(80.0)


@pytest.fixture
def row(vendor_a, manager):
    m = MeasurementFactory(
        vendor=vendor_a,
        kpi=kpi("csat"),
        period_start=date(2026, 3, 3),
        value=80.0,
        volume=50,
        supplied_by="vendor",
    )
    return m


def _edit(client, row, **figures):
    data = {"value": "", "volume": "", "version": row.version, **figures}
    return client.post(f"/scorecards/measurements/{row.pk}/edit/", data)


def test_an_edit_is_previewed_saved_and_kept_in_history(client_for, manager, row):
    client = client_for(manager)
    preview = _edit(client, row, value="85", volume="60")
    assert preview.status_code == 200 and "What will be stored" in preview.content.decode()
    row.refresh_from_db()
    assert row.value == 80.0
    checked = preview.context["form"].data["checked"]
    assert _edit(client, row, value="85", volume="60", checked=checked).status_code == 302
    row.refresh_from_db()
    assert (row.value, row.volume, row.version) == (85.0, 60, 2)
    detail = client.get(f"/scorecards/measurements/{row.pk}/").content.decode()
    assert "85.00" in detail and "80.00" in detail  # the old figure, in the history


def test_a_stale_edit_is_a_conflict_and_changes_nothing(client_for, manager, row):
    client = client_for(manager)
    preview = _edit(client, row, value="85", volume="60")
    Measurement.objects.filter(pk=row.pk).update(version=2, value=70.0)
    response = _edit(
        client, row, value="85", volume="60", checked=preview.context["form"].data["checked"]
    )
    assert response.status_code == 409
    row.refresh_from_db()
    assert row.value == 70.0


def test_delete_keeps_the_history(client_for, manager, row):
    client = client_for(manager)
    stale = client.post(f"/scorecards/measurements/{row.pk}/delete/", {"version": 7})
    assert stale.status_code == 302 and Measurement.objects.filter(pk=row.pk).exists()
    response = client.post(f"/scorecards/measurements/{row.pk}/delete/", {"version": 1})
    assert response.status_code == 302
    assert not Measurement.objects.filter(pk=row.pk).exists()
    deletion = Measurement.history.filter(id=row.pk).latest("history_date")
    assert (deletion.history_type, deletion.history_user, deletion.value) == ("-", manager, 80.0)


def test_partner_edits_its_own_vendor_reported_rows_only(client_for, partner_a, row, vendor_a):
    client = client_for(partner_a)
    assert client.get(f"/scorecards/measurements/{row.pk}/edit/").status_code == 200
    client_row = MeasurementFactory(
        vendor=vendor_a, kpi=kpi("csat"), period_start=date(2026, 3, 3), supplied_by="client"
    )
    assert client.get(f"/scorecards/measurements/{client_row.pk}/").status_code == 200
    assert client.get(f"/scorecards/measurements/{client_row.pk}/edit/").status_code == 403
    response = client.post(f"/scorecards/measurements/{client_row.pk}/delete/", {"version": 1})
    assert response.status_code == 403
    assert Measurement.objects.filter(pk=client_row.pk).exists()


def test_partner_of_another_vendor_gets_404(client_for, partner_b, row):
    client = client_for(partner_b)
    for url in ("", "edit/"):
        assert client.get(f"/scorecards/measurements/{row.pk}/{url}").status_code == 404
    response = client.post(f"/scorecards/measurements/{row.pk}/delete/", {"version": 1})
    assert response.status_code == 404
    assert Measurement.objects.filter(pk=row.pk).exists()


def test_executive_reads_but_may_not_change(client_for, executive, row):
    client = client_for(executive)
    assert client.get(f"/scorecards/measurements/{row.pk}/").status_code == 200
    assert client.get(f"/scorecards/measurements/{row.pk}/edit/").status_code == 403
    assert (
        client.post(f"/scorecards/measurements/{row.pk}/delete/", {"version": 1}).status_code == 403
    )


def test_editing_a_count_gives_the_value_again(client_for, manager, vendor_a):
    row = MeasurementFactory(
        vendor=vendor_a,
        kpi=kpi("service_level"),
        period_start=date(2026, 3, 3),
        value=None,
        volume=None,
        answered=900,
        answered_in_threshold=720,
        abandoned=60,
        supplied_by="client",
    )
    client = client_for(manager)
    page = client.get(f"/scorecards/measurements/{row.pk}/edit/")
    data = {
        name: ("" if value is None else value)
        for name, value in page.context["form"].initial.items()
    }
    data["answered_in_threshold"] = 810
    preview = client.post(f"/scorecards/measurements/{row.pk}/edit/", data)
    assert preview.status_code == 200, preview.context["form"].errors
    data["checked"] = preview.context["form"].data["checked"]
    assert client.post(f"/scorecards/measurements/{row.pk}/edit/", data).status_code == 302
    row.refresh_from_db()
    assert row.value == pytest.approx(810 / 960 * 100)


def test_the_contradiction_is_refused_by_the_api_and_the_import_too(api_for, manager, vendor_a):
    item = {
        "vendor": "acme-contact",
        "kpi": "service_level",
        "period_start": "2026-03-03",
        "value": 82.5,
        "numerator": 600,
        "denominator": 900,
    }
    response = api_for(manager).post("/api/v1/measurements/", item, format="json")
    assert response.status_code == 400
    assert "66.67" in response.json()["value"][0]
    csv_text = (
        "kpi,period_start,value,numerator,denominator\nservice_level,2026-03-03,82.5,600,900\n"
    )
    response = api_for(manager).post(
        "/api/v1/measurements/import/",
        {"vendor": "acme-contact", "format": "csv", "payload": csv_text},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 2
    assert response.json()["errors"][0]["field"] == "value"
    assert Measurement.objects.count() == 0
    # Agreeing figures (to the decimals typed) are accepted as typed.
    response = api_for(manager).post(
        "/api/v1/measurements/", {**item, "value": 66.67}, format="json"
    )
    assert response.status_code == 201
