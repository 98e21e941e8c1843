"""The series form as a vendor manager uses it (issue 13, "Scheduling"): a recurrence
builder instead of a raw RRULE box, a curated time-zone list that defaults to the
vendor's zone, the vendor's people invitable at creation, a working-hours warning at
save, a live preview in both sides' local time, and series edits that move meetings."""

from __future__ import annotations

import itertools
import re
import zoneinfo
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from meetings.models import Attendance, MeetingSeries, MeetingStatus
from meetings.recurrence import Cadence, Repeat, build, describe, parse
from tests.factories import VendorFactory
from tests.meetings.factories import MeetingSeriesFactory

pytestmark = pytest.mark.django_db
URL = "/meetings/series/new/"


def _form(vendor, **overrides):
    return {
        "vendor": vendor.pk,
        "title": "Weekly ops",
        "kind": "weekly_ops",
        "repeat": "weekly",
        "weekday": "WE",
        "nth": "1",
        "starts_on": timezone.localdate().isoformat(),
        "start_time": "09:00",
        "timezone": "Europe/Berlin",
        "duration_minutes": 45,
        "channel": "video",
        "channel_details": "https://meet.example/x",
        "is_active": "on",
        **overrides,
    }


# --- The builder, as words and rules ---------------------------------------------------
@pytest.mark.parametrize(
    ("cadence", "rule", "words"),
    [
        (Cadence(Repeat.WEEKLY, "TU"), "FREQ=WEEKLY;BYDAY=TU", "Every Tuesday"),
        (
            Cadence(Repeat.FORTNIGHTLY, "MO"),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            "Every other Monday",
        ),
        (
            Cadence(Repeat.MONTHLY, "TH", "1"),
            "FREQ=MONTHLY;BYDAY=1TH",
            "The first Thursday of every month",
        ),
        (
            Cadence(Repeat.QUARTERLY, "FR", "-1"),
            "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR",
            "The last Friday of every third month (quarterly)",
        ),
    ],
)
def test_builder_cadences_make_rules_and_read_back(cadence, rule, words):
    assert build(cadence) == rule
    assert parse(rule) == cadence
    assert describe(rule) == words


def test_a_rule_the_builder_cannot_say_stays_a_custom_rule():
    assert parse("FREQ=WEEKLY;BYDAY=MO,TH") is None
    assert parse("FREQ=DAILY") is None
    assert describe("FREQ=WEEKLY;BYDAY=MO,TH") == "Custom rule FREQ=WEEKLY;BYDAY=MO,TH"


# --- Creating with the builder -----------------------------------------------------------
def test_fortnightly_thursday_is_saved_as_its_rule(client_for, manager, vendor_a):
    response = client_for(manager).post(
        URL, _form(vendor_a, repeat="fortnightly", weekday="TH", start_time="10:00")
    )
    assert response.status_code == 302
    series = MeetingSeries.objects.get()
    assert series.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    starts = list(series.meetings.order_by("start").values_list("start", flat=True))
    assert all(b - a == timedelta(days=14) for a, b in itertools.pairwise(starts))


def test_quarterly_on_the_last_friday(client_for, manager, vendor_a):
    client_for(manager).post(
        URL, _form(vendor_a, repeat="quarterly", weekday="FR", nth="-1", start_time="10:00")
    )
    assert MeetingSeries.objects.get().rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR"


def test_custom_rule_needs_the_rule_and_is_kept_as_typed(client_for, manager, vendor_a):
    client = client_for(manager)
    response = client.post(URL, _form(vendor_a, repeat="custom", rrule=""))
    assert response.status_code == 200
    assert "Enter the rule, or choose a cadence above." in response.content.decode()
    assert not MeetingSeries.objects.exists()
    client.post(URL, _form(vendor_a, repeat="custom", rrule="FREQ=WEEKLY;BYDAY=MO,WE"))
    assert MeetingSeries.objects.get().rrule == "FREQ=WEEKLY;BYDAY=MO,WE"


def test_edit_form_opens_on_the_builder_or_on_the_custom_rule(client_for, manager, vendor_a):
    client = client_for(manager)
    built = MeetingSeriesFactory(vendor=vendor_a, rrule="FREQ=MONTHLY;BYDAY=2WE")
    html = client.get(f"/meetings/series/{built.pk}/edit/").content.decode()
    assert re.search(r'<option value="monthly" selected>', html)
    assert re.search(r'<option value="WE" selected>', html)
    assert re.search(r'<option value="2" selected>', html)
    custom = MeetingSeriesFactory(vendor=vendor_a, rrule="FREQ=WEEKLY;BYDAY=MO,TH")
    html = client.get(f"/meetings/series/{custom.pk}/edit/").content.decode()
    assert re.search(r'<option value="custom" selected>', html)
    assert '<details class="advanced" open>' in html


# --- Time zones ---------------------------------------------------------------------------
def test_zone_list_is_curated_and_defaults_to_the_vendors_zone(client_for, manager, vendor_a):
    html = client_for(manager).get(URL, {"vendor": vendor_a.slug}).content.decode()
    select = html[
        html.index('name="timezone"') : html.index("</select>", html.index('name="timezone"'))
    ]
    options = re.findall(r'<option value="([^"]*)"', select)
    assert "Zulu" not in options and "W-SU" not in options and "Etc/GMT+5" not in options
    assert len(options) < 80
    assert "Asia/Manila" in options and "Europe/Berlin" in options
    # The first option, selected by default, is the vendor's own zone.
    assert options[0] == ""
    assert "Acme Contact&#x27;s zone (Asia/Manila)" in select or "Acme Contact's zone" in select
    client_for(manager).post(URL, _form(vendor_a, timezone="", start_time="16:00"))
    assert MeetingSeries.objects.get().timezone == "Asia/Manila"


def test_a_vendor_zone_outside_the_curated_list_is_offered(client_for, manager):
    VendorFactory(slug="pom", name="Port Moresby CX", timezone="Pacific/Port_Moresby")
    html = client_for(manager).get(URL).content.decode()
    assert '<option value="Pacific/Port_Moresby"' in html


# --- Invitees at creation ------------------------------------------------------------------
def test_vendor_people_can_be_invited_at_creation(
    client_for, manager, vendor_a, vendor_b, partner_a, partner_b
):
    client = client_for(manager)
    html = client.get(URL, {"vendor": vendor_a.pk}).content.decode()
    assert f'value="{partner_a.pk}"' in html
    assert f'value="{partner_b.pk}"' not in html
    response = client.post(
        URL, _form(vendor_a, default_invitees=[manager.pk, partner_a.pk], start_time="10:00")
    )
    assert response.status_code == 302
    series = MeetingSeries.objects.get()
    meeting = series.meetings.order_by("start").first()
    assert set(meeting.attendances.values_list("user__username", "side")) == {
        ("manager", "client"),
        ("partner_a", "vendor"),
    }


def test_partner_of_another_vendor_is_refused_and_nothing_saved(
    client_for, manager, vendor_a, partner_b
):
    response = client_for(manager).post(
        URL, _form(vendor_a, default_invitees=[partner_b.pk], start_time="10:00")
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not MeetingSeries.objects.exists()


# --- Working hours ---------------------------------------------------------------------------
def test_six_pm_berlin_is_one_am_manila_and_needs_save_anyway(client_for, manager, vendor_a):
    client = client_for(manager)
    # A winter date: Berlin is UTC+1, Manila UTC+8, so 18:00 Berlin is 01:00 Manila.
    form = _form(vendor_a, start_time="18:00", starts_on=f"{timezone.localdate().year + 1}-01-05")
    response = client.post(URL, form)
    html = response.content.decode()
    assert response.status_code == 200
    assert not MeetingSeries.objects.exists()
    assert "18:00 Europe/Berlin is Thu 01:00 Asia/Manila" in html
    assert "outside Acme Contact&#x27;s working hours (09:00–18:00)" in html
    assert "Save anyway" in html
    response = client.post(URL, {**form, "outside_hours": "accept"})
    assert response.status_code == 302
    assert MeetingSeries.objects.get().start_time == time(18, 0)


def test_a_time_inside_both_sides_hours_saves_at_once(client_for, manager, vendor_a):
    response = client_for(manager).post(URL, _form(vendor_a, start_time="10:00"))
    assert response.status_code == 302


# --- Preview ------------------------------------------------------------------------------
def test_htmx_preview_shows_next_dates_in_both_zones_and_saves_nothing(
    client_for, manager, vendor_a
):
    year = timezone.localdate().year + 1
    form = _form(
        vendor_a,
        title="",
        repeat="monthly",
        weekday="TH",
        nth="1",
        start_time="09:00",
        starts_on=f"{year}-01-01",
    )
    response = client_for(manager).post(
        URL, {**form, "preview": "1"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="preview"')
    assert "The first Thursday of every month at 09:00 (Europe/Berlin)" in html
    assert "Acme Contact's times are in Asia/Manila" in html
    assert "the client side's in Europe/Berlin" in html
    assert html.count("<tr>") == 1 + 4  # header and four dates
    # Each side's column in its own zone (not the viewer's): the oracle, by hand.
    first = next(date(year, 1, d) for d in range(1, 8) if date(year, 1, d).weekday() == 3)
    berlin = datetime.combine(first, time(9, 0), tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    manila = berlin.astimezone(zoneinfo.ZoneInfo("Asia/Manila"))
    assert f"<td>{manila:%a} {manila.day} {manila:%b %Y}, 16:00</td>" in html
    assert f"<td>{berlin:%a} {berlin.day} {berlin:%b %Y}, 09:00</td>" in html
    assert not MeetingSeries.objects.exists()


def test_preview_button_without_javascript_renders_the_page(client_for, manager, vendor_a):
    response = client_for(manager).post(URL, {**_form(vendor_a), "preview": "1"})
    assert response.status_code == 200
    assert "<h1>New meeting series</h1>" in response.content.decode()
    assert "Every Wednesday at 09:00 (Europe/Berlin)" in response.content.decode()
    assert not MeetingSeries.objects.exists()


def test_series_page_says_the_cadence_in_words_for_the_partner(client_for, partner_a, vendor_a):
    series = MeetingSeriesFactory(
        vendor=vendor_a, rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", starts_on=timezone.localdate()
    )
    html = client_for(partner_a).get(series.get_absolute_url()).content.decode()
    assert "Every other Tuesday at 10:00 (Europe/Berlin)" in html
    assert 'id="next-dates"' in html


# --- Series edits move meetings ---------------------------------------------------------------
def test_editing_the_time_moves_coming_meetings_without_cancelled_duplicates(
    client_for, manager, partner_a, vendor_a
):
    client = client_for(manager)
    client.post(URL, _form(vendor_a, start_time="10:00", default_invitees=[partner_a.pk]))
    series = MeetingSeries.objects.get()
    before = set(series.meetings.values_list("pk", flat=True))
    Attendance.objects.filter(user=partner_a).update(status="accepted")
    form = _form(vendor_a, start_time="09:00", default_invitees=[partner_a.pk])
    response = client.post(f"/meetings/series/{series.pk}/edit/", form)
    assert response.status_code == 302
    meetings = series.meetings.all()
    assert not meetings.filter(status=MeetingStatus.CANCELLED).exists()
    assert set(meetings.values_list("pk", flat=True)) == before
    berlin = series.tzinfo
    assert {m.start.astimezone(berlin).time() for m in meetings} == {time(9, 0)}
    assert all(m.sequence == 1 for m in meetings)
    # The old "accepted" was for the old time: the partner is asked again.
    assert set(Attendance.objects.filter(user=partner_a).values_list("status", flat=True)) == {
        "invited"
    }
    listing = client.get("/meetings/").content.decode()
    assert 'badge-inactive">Cancelled</span>' not in listing


def test_editing_the_title_and_duration_reaches_coming_meetings(client_for, manager, vendor_a):
    client = client_for(manager)
    client.post(URL, _form(vendor_a, start_time="10:00"))
    series = MeetingSeries.objects.get()
    client.post(
        f"/meetings/series/{series.pk}/edit/",
        _form(vendor_a, start_time="10:00", title="Ops sync", duration_minutes=30),
    )
    assert set(series.meetings.values_list("title", "duration_minutes")) == {("Ops sync", 30)}


def test_api_series_says_its_cadence_and_working_hours(api_for, manager, vendor_a):
    MeetingSeriesFactory(
        vendor=vendor_a, owner=manager, start_time=time(18, 0), timezone="Europe/Berlin"
    )
    row = api_for(manager).get("/api/v1/meeting-series/").json()["results"][0]
    assert row["description"] == "Every Tuesday at 18:00 (Europe/Berlin)"
    assert any("Asia/Manila, outside Acme Contact's" in w for w in row["working_hours_warnings"])


def test_vendor_page_links_to_a_series_for_that_vendor(client_for, manager, partner_a, vendor_a):
    html = client_for(manager).get(f"/vendors/{vendor_a.slug}/").content.decode()
    assert f"/meetings/series/new/?vendor={vendor_a.slug}" in html
    form = client_for(manager).get(f"/meetings/series/new/?vendor={vendor_a.slug}").content.decode()
    assert re.search(rf'<option value="{vendor_a.pk}" selected>', form)
    assert f'value="{partner_a.pk}"' in form  # its people are invitable at once
    partner_html = client_for(partner_a).get(f"/vendors/{vendor_a.slug}/").content.decode()
    assert "/meetings/series/new/" not in partner_html
