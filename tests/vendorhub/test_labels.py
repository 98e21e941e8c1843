"""Human labels and dates (vendorhub/labels.py and the ``labels`` template library)."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from vendorhub import labels
from vendorhub.middleware import HtmxMessagesMiddleware

pytestmark = pytest.mark.django_db


def test_a_date_shows_its_year_only_when_not_this_year():
    today = dt.date(2026, 11, 23)
    assert labels.human_date(dt.date(2026, 12, 16), today=today) == "16 Dec"
    assert labels.human_date(dt.date(2025, 12, 16), today=today) == "16 Dec 2025"
    assert labels.human_date(None) == ""


def test_a_moment_is_shown_in_the_viewers_zone_with_the_year_when_needed():
    moment = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
    with timezone.override("Asia/Manila"):  # already 1 January 2026 there
        assert labels.human_datetime(moment, today=dt.date(2026, 3, 1)) == "1 Jan, 07:30"
    with timezone.override("UTC"):
        assert labels.human_datetime(moment, today=dt.date(2026, 3, 1)) == "31 Dec 2025, 23:30"


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("dispute.resolution_overdue", "Dispute resolution overdue"),
        ("meeting.missed", "Meeting missed"),
        ("plans.milestone_overdue", "Plans: milestone overdue"),  # unknown: still readable
    ],
)
def test_notification_kinds_read_as_words(kind, label):
    assert labels.notification_kind_label(kind) == label


def test_kpi_codes_become_their_names():
    assert labels.kpi_label("asa") == "Average speed of answer"
    assert labels.kpi_label("service_level") == "Service level"
    assert labels.kpi_label("brand_new_kpi") == "Brand new kpi"


def test_a_stored_choice_gets_its_label():
    assert labels.choice_label("awaiting_vendor", "disputes.Dispute.status") == "Awaiting vendor"


def test_stages_read_as_words():
    assert labels.stage_label("90") == "90 days before"
    assert labels.stage_label("resolution") == "resolution clock"


class _Form(forms.Form):
    title = forms.CharField()
    when = forms.DateField()
    hidden = forms.CharField(widget=forms.HiddenInput)


def test_error_summary_links_each_problem_to_its_field():
    form = _Form(data={"when": "not a date"})
    form.is_valid()
    form.add_error(None, "Someone else changed this.")
    html = Template('{% include "includes/error_summary.html" %}').render(Context({"form": form}))
    assert "data-error-summary" in html and 'role="alert"' in html
    assert "There are 4 problems" in html
    assert '<a href="#id_title">Title: This field is required.</a>' in html
    assert '<a href="#id_when">When: Enter a valid date.</a>' in html
    # A hidden field and a form-wide error have nowhere to jump to: plain text.
    assert "<li>This field is required.</li>" in html
    assert "<li>Someone else changed this.</li>" in html


def test_error_summary_renders_nothing_for_a_valid_form():
    form = _Form(data={"title": "x", "when": "2026-01-02", "hidden": "1"})
    assert form.is_valid()
    html = Template('{% include "includes/error_summary.html" %}').render(Context({"form": form}))
    assert html.strip() == ""


def _htmx_request(method: str = "post", **headers: str):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django_htmx.middleware import HtmxDetails

    request = getattr(RequestFactory(), method)("/", headers={"HX-Request": "true", **headers})
    request.session = {}
    request._messages = FallbackStorage(request)
    request.htmx = HtmxDetails(request)
    return request


def test_saved_messages_ride_along_an_htmx_fragment_out_of_band():
    from django.contrib import messages
    from django.http import HttpResponse

    def view(request):
        messages.success(request, "Attendance saved.")
        return HttpResponse("<section id='attendance'>…</section>")

    request = _htmx_request()
    response = HtmxMessagesMiddleware(view)(request)
    body = response.content.decode()
    assert body.startswith("<section id='attendance'>")
    assert 'id="messages"' in body and 'hx-swap-oob="innerHTML"' in body
    assert "Attendance saved." in body


def test_messages_wait_for_the_next_page_when_htmx_redirects():
    from django.contrib import messages
    from django_htmx.http import HttpResponseClientRedirect

    def view(request):
        messages.success(request, "Dispute updated.")
        return HttpResponseClientRedirect("/disputes/")

    request = _htmx_request()
    response = HtmxMessagesMiddleware(view)(request)
    assert b"Dispute updated." not in response.content
    assert [str(m) for m in messages.get_messages(request)] == ["Dispute updated."]
