"""Every meetings page: another vendor's partner gets 404, an executive 403 on writes."""

from __future__ import annotations

import pytest

from meetings.models import AgendaItem
from tests.meetings.factories import ActionItemFactory, MeetingFactory, MeetingSeriesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(vendor_a, partner_a):
    meeting = MeetingFactory(vendor=vendor_a)
    return {
        "meeting": meeting,
        "series": MeetingSeriesFactory(vendor=vendor_a),
        "action": ActionItemFactory(meeting=meeting, owner=partner_a),
    }


READS = [
    "/meetings/{meeting}/",
    "/meetings/{meeting}/meeting.ics",
    "/meetings/series/{series}/",
]
WRITES = [
    ("/meetings/{meeting}/edit/", {"title": "x"}),
    ("/meetings/{meeting}/respond/", {"status": "accepted"}),
    ("/meetings/{meeting}/agenda/", {"title": "x"}),
    ("/meetings/{meeting}/agenda/suggestion/", {"key": "action:{action}"}),
    ("/meetings/{meeting}/minutes/", {"minutes": "x"}),
    ("/meetings/{meeting}/invite/", {"name": "x", "side": "vendor"}),
    ("/meetings/{meeting}/attendance/", {}),
    ("/meetings/{meeting}/actions/", {"title": "x", "owner_name": "x", "side": "vendor"}),
    ("/meetings/actions/{action}/status/", {"status": "done"}),
    ("/meetings/series/{series}/edit/", {"title": "x"}),
]


def _url(template, objects):
    return template.format(**{k: v.pk for k, v in objects.items()})


@pytest.mark.parametrize("template", READS + [w for w, _ in WRITES])
def test_partner_of_other_vendor_gets_404(client_for, partner_b, objects, template):
    client = client_for(partner_b)
    url = _url(template, objects)
    response = client.post(url, {}) if template in [w for w, _ in WRITES] else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize(("template", "data"), WRITES)
def test_executive_gets_403_on_writes(client_for, executive, objects, template, data):
    data = {k: v.format(action=objects["action"].pk) for k, v in data.items()}
    response = client_for(executive).post(_url(template, objects), data)
    assert response.status_code == 403
    objects["meeting"].refresh_from_db()
    objects["action"].refresh_from_db()
    assert objects["meeting"].minutes == ""
    assert objects["action"].status == "open"
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("url", ["/meetings/new/", "/meetings/series/new/"])
def test_create_pages_are_for_managers_only(client_for, executive, partner_a, url):
    assert client_for(executive).get(url).status_code == 403
    assert client_for(partner_a).post(url, {"title": "x"}).status_code == 403


def test_partner_gets_no_slot_suggester(client_for, partner_a):
    assert client_for(partner_a).get("/meetings/slots/").status_code == 404


def test_anonymous_is_sent_to_log_in(client, objects):
    response = client.get(f"/meetings/{objects['meeting'].pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
