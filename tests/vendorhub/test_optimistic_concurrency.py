"""Concurrent edits never silently overwrite each other (SPEC §5).

API writes to disputes (edit, transition, respond) and measurements (edit, upsert of an
existing row) name the ``version`` they read — in the body or as ``If-Match`` with the
ETag a ``GET`` returns. Without it: 428 and nothing written; with a stale one: 409 and
nothing written. Of two writers of the same version exactly one wins, also when they
really run at the same time (threads on the real database, below).
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from disputes.models import Dispute
from scorecards.models import Measurement
from tests.disputes.factories import make_dispute
from tests.scorecards.factories import MeasurementFactory

ROUNDS = 25


@pytest.fixture
def dispute(db, manager, vendor_a):
    return make_dispute(vendor=vendor_a, by=manager, title="Original title")


def _url(d: Dispute) -> str:
    return f"/api/v1/disputes/{d.pk}/"


# --- disputes -------------------------------------------------------------------------
def test_edit_without_a_version_is_428_and_changes_nothing(api_for, manager, dispute):
    response = api_for(manager).patch(_url(dispute), {"title": "Mine"}, format="json")
    assert response.status_code == 428
    body = response.json()
    assert "version" in body["detail"] and body["current_version"] == dispute.version
    assert response["ETag"] == f'"{dispute.version}"'
    dispute.refresh_from_db()
    assert dispute.title == "Original title"


def test_two_writers_without_a_version_no_longer_both_win(api_for, manager, dispute):
    api = api_for(manager)
    first = api.patch(_url(dispute), {"title": "First"}, format="json")
    second = api.patch(_url(dispute), {"title": "Second"}, format="json")
    assert (first.status_code, second.status_code) == (428, 428)
    dispute.refresh_from_db()
    assert (dispute.title, dispute.version) == ("Original title", 1)


def test_of_two_writers_of_the_same_version_the_second_gets_409(api_for, manager, dispute):
    api = api_for(manager)
    read = api.get(_url(dispute)).json()["version"]
    first = api.patch(_url(dispute), {"title": "First", "version": read}, format="json")
    second = api.patch(_url(dispute), {"title": "Second", "version": read}, format="json")
    assert first.status_code == 200 and first.json()["version"] == read + 1
    assert second.status_code == 409
    assert "changed this dispute" in second.json()["detail"]
    assert second.json()["current_version"] == read + 1
    dispute.refresh_from_db()
    assert dispute.title == "First"


def test_if_match_with_the_etag_works_like_the_version(api_for, manager, dispute):
    api = api_for(manager)
    got = api.get(_url(dispute))
    etag = got["ETag"]
    assert etag == f'"{got.json()["version"]}"'
    ok = api.patch(_url(dispute), {"title": "Via ETag"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200, ok.content
    stale = api.patch(_url(dispute), {"title": "Late"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409
    weak = api.patch(
        _url(dispute), {"title": "Weak"}, format="json", HTTP_IF_MATCH=f'W/"{dispute.version + 1}"'
    )
    assert weak.status_code == 200
    dispute.refresh_from_db()
    assert dispute.title == "Weak"


def test_a_version_that_is_not_a_number_is_a_field_error(api_for, manager, dispute):
    response = api_for(manager).patch(
        _url(dispute), {"title": "x"}, format="json", HTTP_IF_MATCH='"abc"'
    )
    assert response.status_code == 400 and "version" in response.json()


def test_transition_and_respond_need_the_version(api_for, manager, partner_a, dispute):
    api = api_for(manager)
    moved = api.post(_url(dispute) + "transition/", {"to": "awaiting_vendor"}, format="json")
    assert moved.status_code == 428
    moved = api.post(
        _url(dispute) + "transition/",
        {"to": "awaiting_vendor", "version": dispute.version},
        format="json",
    )
    assert moved.status_code == 200
    version = moved.json()["version"]
    reply = {"body": "A rota error.", "root_cause": "Rota", "action_plan": "Fix the rota"}
    partner = api_for(partner_a)
    assert partner.post(_url(dispute) + "respond/", reply, format="json").status_code == 428
    stale = partner.post(
        _url(dispute) + "respond/", {**reply, "version": version - 1}, format="json"
    )
    assert stale.status_code == 409
    ok = partner.post(_url(dispute) + "respond/", {**reply, "version": version}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "vendor_responded"


def test_a_refused_role_hears_403_before_any_version_question(api_for, manager, partner_a, dispute):
    from disputes import services

    services.dispute_transition(dispute=dispute, to="escalated", by=manager)
    # A move only the client makes: 403 whether or not a version is sent.
    response = api_for(partner_a).post(
        _url(dispute) + "transition/", {"to": "under_review"}, format="json"
    )
    assert response.status_code == 403
    dispute.refresh_from_db()
    assert dispute.status == "escalated"


def test_comments_need_no_version(api_for, partner_a, dispute):
    # A comment overwrites nothing, so it neither needs nor bumps the version.
    response = api_for(partner_a).post(_url(dispute) + "comments/", {"body": "Noted."})
    assert response.status_code == 201
    dispute.refresh_from_db()
    assert dispute.version == 1


def test_edit_page_shows_the_conflict_and_keeps_the_other_change(client_for, manager, dispute):
    from disputes import services

    services.dispute_update(dispute=dispute, by=manager, changes={"title": "Theirs"})
    stale = {
        "version": 1,
        "type": dispute.type,
        "severity": dispute.severity,
        "title": "Mine",
        "description": dispute.description,
    }
    response = client_for(manager).post(f"/disputes/{dispute.reference}/edit/", stale)
    assert response.status_code == 200
    assert "Someone else changed this dispute" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.title == "Theirs"


# --- measurements ---------------------------------------------------------------------
ITEM = {
    "vendor": "acme-contact",
    "kpi": "service_level",
    "period_start": "2025-03-03",
    "granularity": "day",
    "value": 81.5,
    "volume": 400,
}


def test_measurement_edit_needs_the_version(api_for, manager, vendor_a):
    m = MeasurementFactory(vendor=vendor_a, value=80.0)
    api = api_for(manager)
    url = f"/api/v1/measurements/{m.pk}/"
    assert api.patch(url, {"value": 70}, format="json").status_code == 428
    assert api.patch(url, {"value": 70, "version": 2}, format="json").status_code == 409
    ok = api.patch(url, {"value": 70, "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert api.patch(url, {"value": 60, "version": 1}, format="json").status_code == 409
    m.refresh_from_db()
    assert (m.value, m.version) == (70.0, 2)
    assert m.numerator == pytest.approx(70.0 * m.volume / 100)  # the counts follow the value


def test_upsert_of_an_existing_measurement_needs_its_version(api_for, manager, vendor_a):
    api = api_for(manager)
    assert api.post("/api/v1/measurements/", ITEM, format="json").status_code == 201
    again = api.post("/api/v1/measurements/", {**ITEM, "value": 50}, format="json")
    assert again.status_code == 428 and "version" in again.json()
    stale = api.post("/api/v1/measurements/", {**ITEM, "value": 50, "version": 7}, format="json")
    assert stale.status_code == 409
    ok = api.post("/api/v1/measurements/", {**ITEM, "value": 50, "version": 1}, format="json")
    assert ok.status_code == 201 and ok.json()["version"] == 2
    assert Measurement.objects.get().value == 50


def test_a_stale_item_in_a_bulk_upsert_saves_nothing(api_for, manager, vendor_a):
    api = api_for(manager)
    api.post("/api/v1/measurements/", [ITEM], format="json")
    batch = [
        {**ITEM, "period_start": "2025-03-04"},  # new: needs no version
        {**ITEM, "value": 10, "version": 9},  # stale
    ]
    response = api.post("/api/v1/measurements/", batch, format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0] == {} and "version" in response.json()["errors"][1]
    assert Measurement.objects.count() == 1
    assert Measurement.objects.get().value == 81.5


# --- really at the same time ----------------------------------------------------------
def _race(api_for, user, url: str, bodies: list[dict], method: str = "patch") -> list[int]:
    """Send ``bodies`` at once from as many threads; the answers' status codes."""
    clients = [api_for(user) for _ in bodies]
    barrier = threading.Barrier(len(bodies))
    codes: list[int] = [0] * len(bodies)

    def write(index: int) -> None:
        try:
            barrier.wait()
            response = getattr(clients[index], method)(url, bodies[index], format="json")
            codes[index] = response.status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


@pytest.mark.django_db(transaction=True)
def test_concurrent_dispute_edits_of_one_version_exactly_one_wins(api_for, manager, vendor_a):
    dispute = make_dispute(vendor=vendor_a, by=manager)
    lost = 0
    for round_ in range(ROUNDS):
        version = Dispute.objects.get(pk=dispute.pk).version
        bodies = [{"title": f"r{round_} writer {w}", "version": version} for w in (1, 2)]
        codes = _race(api_for, manager, _url(dispute), bodies)
        assert sorted(codes) == [200, 409], codes
        winner = bodies[codes.index(200)]["title"]
        current = Dispute.objects.get(pk=dispute.pk)
        lost += current.title != winner
        assert current.version == version + 1
    assert lost == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_without_versions_both_refused(api_for, manager, vendor_a):
    dispute = make_dispute(vendor=vendor_a, by=manager, title="Kept")
    for round_ in range(ROUNDS):
        bodies = [{"title": f"r{round_} writer {w}"} for w in (1, 2)]
        assert _race(api_for, manager, _url(dispute), bodies) == [428, 428]
    assert Dispute.objects.get(pk=dispute.pk).title == "Kept"


@pytest.mark.django_db(transaction=True)
def test_concurrent_measurement_upserts_of_one_version_exactly_one_wins(api_for, manager, vendor_a):
    m = MeasurementFactory(vendor=vendor_a, period_start=date(2025, 3, 3), value=80.0)
    for round_ in range(ROUNDS):
        version = Measurement.objects.get(pk=m.pk).version
        bodies = [{**ITEM, "value": round_ + w / 10, "version": version} for w in (1, 2)]
        codes = _race(api_for, manager, "/api/v1/measurements/", bodies, method="post")
        assert sorted(codes) == [201, 409], codes
        winner = bodies[codes.index(201)]["value"]
        current = Measurement.objects.get(pk=m.pk)
        assert (current.value, current.version) == (winner, version + 1)


def test_version_and_its_older_name_together_are_not_a_server_error(
    api_for, manager, partner_a, dispute
):
    """Found by the fuzzer: both names in one body were passed on twice (a 500)."""
    api = api_for(manager)
    v = dispute.version
    moved = api.post(
        _url(dispute) + "transition/",
        {"to": "awaiting_vendor", "version": v, "expected_version": v},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    v = moved.json()["version"]
    reply = {
        "body": "A rota error.",
        "root_cause": "Rota",
        "action_plan": "Fix the rota",
        "version": v,
        "expected_version": v,
    }
    answered = api_for(partner_a).post(_url(dispute) + "respond/", reply, format="json")
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "vendor_responded"
