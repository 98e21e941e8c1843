"""Date and time inputs show the stored value on edit forms (ISO ``YYYY-MM-DD``, which
``<input type="date">`` needs whatever the site's locale), and saving a form without
touching them keeps the stored value."""

from __future__ import annotations

import re
from datetime import date, time
from html.parser import HTMLParser

import pytest

from disputes.models import Dispute
from tests.contracts.factories import ContractFactory
from tests.disputes.factories import make_dispute
from tests.meetings.factories import MeetingSeriesFactory
from tests.scorecards.factories import TargetFactory

pytestmark = pytest.mark.django_db


class _FormValues(HTMLParser):
    """What a browser would submit, unchanged, for each ``<form method="post">``."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form = True
            self.values = []
            self.forms.append(self.values)
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.values.append((name, a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.values.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form = False


def _untouched(html: str) -> dict[str, list[str]]:
    """The page's main form (the one with the most fields) as submitted untouched."""
    parser = _FormValues()
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in max(parser.forms, key=len):
        data.setdefault(name, []).append(value)
    return data


def _input(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no input {name}"
    return match.group(0)


def test_dispute_edit_shows_the_kpi_period_and_keeps_it_when_saved_untouched(
    client_for, manager, vendor_a
):
    dispute = make_dispute(
        vendor=vendor_a,
        by=manager,
        kpi_period_start=date(2025, 5, 1),
        kpi_period_end=date(2025, 5, 31),
    )
    client = client_for(manager)
    url = f"/disputes/{dispute.reference}/edit/"
    html = client.get(url).content.decode()
    start = _input(html, "kpi_period_start")
    assert 'type="date"' in start and 'value="2025-05-01"' in start
    assert 'value="2025-05-31"' in _input(html, "kpi_period_end")

    data = _untouched(html)
    data["title"] = ["Service level below 80 % in May (corrected)"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    dispute = Dispute.objects.get(pk=dispute.pk)
    assert dispute.title.endswith("(corrected)")
    assert (dispute.kpi_period_start, dispute.kpi_period_end) == (
        date(2025, 5, 1),
        date(2025, 5, 31),
    )


def test_contract_edit_keeps_its_dates(client_for, manager, vendor_a):
    contract = ContractFactory(
        vendor=vendor_a, effective_date=date(2024, 2, 29), end_date=date(2026, 2, 28)
    )
    client = client_for(manager)
    url = f"/contracts/{contract.pk}/edit/"
    html = client.get(url).content.decode()
    assert 'value="2024-02-29"' in _input(html, "effective_date")
    response = client.post(url, _untouched(html))
    assert response.status_code == 302, response.content.decode()[:2000]
    contract.refresh_from_db()
    assert (contract.effective_date, contract.end_date) == (date(2024, 2, 29), date(2026, 2, 28))


def test_target_and_series_and_vendor_forms_show_iso_values(
    client_for, manager, vendor_a, vendor_b
):
    client = client_for(manager)
    TargetFactory(vendor=vendor_a, effective_from=date(2025, 3, 1))
    html = client.get(f"/scorecards/vendor/{vendor_a.slug}/targets/").content.decode()
    assert 'type="date"' in _input(html, "effective_from")
    html = client.get("/scorecards/measurements/new/").content.decode()
    assert 'type="date"' in _input(html, "period_start")
    series = MeetingSeriesFactory(vendor=vendor_b, starts_on=date(2025, 1, 7), start_time=time(9))
    html = client.get(f"/meetings/series/{series.pk}/edit/").content.decode()
    assert 'value="2025-01-07"' in _input(html, "starts_on")
    assert 'value="09:00"' in _input(html, "start_time")
    html = client.get(f"/vendors/{vendor_a.slug}/edit/").content.decode()
    assert 'type="time"' in _input(html, "working_hours_start")
    assert 'value="09:00"' in _input(html, "working_hours_start")
