"""The one pagination include links to ``?filters&page=N``: Django's ``{% querystring %}``
brings its own "?", so the measurements list (and every list) linked to ``??page=2``."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from tests.meetings.factories import ActionItemFactory, MeetingFactory


def _links(query: str, number: int) -> str:
    request = RequestFactory().get(f"/scorecards/measurements/?{query}")
    page = Paginator(list(range(100)), 10).page(number)
    return render_to_string(
        "includes/pagination.html", {"page": page, "hx_target": "#results"}, request=request
    )


def test_next_and_previous_keep_the_filters_with_one_question_mark():
    html = _links("vendor=acme&kpi=asa&page=2", 2)
    assert "??" not in html
    assert 'href="?vendor=acme&amp;kpi=asa&amp;page=3"' in html
    assert 'hx-get="?vendor=acme&amp;kpi=asa&amp;page=1"' in html


def test_first_page_without_filters():
    html = _links("", 1)
    assert 'href="?page=2"' in html and "??" not in html


@pytest.mark.django_db
def test_a_real_list_page_links_to_its_next_page(client_for, manager, vendor_a):
    meeting = MeetingFactory(vendor=vendor_a, organiser=manager)
    ActionItemFactory.create_batch(60, meeting=meeting, owner=manager)
    html = client_for(manager).get("/meetings/actions/").content.decode()
    assert "Next →" in html
    assert "??" not in html and 'href="?page=2"' in html
