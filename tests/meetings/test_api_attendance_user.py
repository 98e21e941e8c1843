"""``POST /api/v1/meetings/{id}/attendance/`` with a ``user``: a partner learns nothing
about which usernames exist. Anyone but themselves is one 400 field error on ``user``,
whether the name is made up, a colleague, a client manager or another vendor's partner."""

from __future__ import annotations

import pytest

from meetings.models import Attendance
from tests.factories import UserFactory
from tests.meetings.factories import MeetingFactory
from vendorhub.models import Role

pytestmark = pytest.mark.django_db
URL = "/api/v1/meetings/"


def _answer(api, meeting, username):
    return api.post(
        f"{URL}{meeting.pk}/attendance/", {"user": username, "status": "accepted"}, format="json"
    )


def test_unknown_and_existing_users_get_the_same_400(
    api_for, partner_a, partner_b, manager, vendor_a
):
    meeting = MeetingFactory(vendor=vendor_a)
    colleague = UserFactory(username="colleague_a", role=Role.PARTNER, vendor=vendor_a)
    api = api_for(partner_a)
    answers = {
        name: _answer(api, meeting, name)
        for name in ("no_such_person", colleague.username, manager.username, partner_b.username)
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 400)
    bodies = [r.json() for r in answers.values()]
    assert all(set(body) == {"user"} for body in bodies)
    # The message only echoes what was sent: nothing else tells the names apart.
    normalised = [
        body["user"][0].replace(name, "<name>") for name, body in zip(answers, bodies, strict=True)
    ]
    assert len(set(normalised)) == 1, normalised
    assert not Attendance.objects.exists()


def test_partner_still_answers_for_themselves(api_for, partner_a, vendor_a):
    meeting = MeetingFactory(vendor=vendor_a)
    response = _answer(api_for(partner_a), meeting, partner_a.username)
    assert response.status_code == 201, response.content
    assert meeting.attendances.get().user == partner_a


def test_manager_inviting_another_vendors_partner_is_a_field_error(
    api_for, manager, partner_b, vendor_a
):
    meeting = MeetingFactory(vendor=vendor_a)
    response = _answer(api_for(manager), meeting, partner_b.username)
    assert response.status_code == 400 and "user" in response.json()
    assert not Attendance.objects.exists()
