"""One bad row never stops a sweep: it is recorded, shown to managers, and every other
reminder still goes out (issue 15: "A partial write that stops every reminder")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from disputes.reminders import sweep_overdue_disputes
from meetings.models import Meeting, MeetingSeries
from meetings.reminders import sweep_generate_occurrences
from tests.disputes.factories import make_dispute, move
from tests.meetings.factories import MeetingSeriesFactory
from vendorhub.models import Notification, Reminder, SweepFailure, SweepRun
from vendorhub.reminders import isolated_chunk, register

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)  # a Monday
LEGACY_AGENDA = "x" * 301  # one line longer than an agenda item may be (300)


@pytest.fixture
def series(vendor_a, vendor_b, manager):
    good_a = MeetingSeriesFactory(vendor=vendor_a, owner=manager, starts_on=NOW.date())
    bad = MeetingSeriesFactory(vendor=vendor_a, owner=manager, starts_on=NOW.date())
    good_b = MeetingSeriesFactory(vendor=vendor_b, owner=manager, starts_on=NOW.date())
    # A legacy row, written as the old API did (the API now refuses it).
    MeetingSeries.objects.filter(pk=bad.pk).update(standing_agenda=LEGACY_AGENDA)
    return good_a, bad, good_b


@pytest.fixture
def overdue_dispute(vendor_b, manager, partner_b):
    dispute = make_dispute(
        vendor=vendor_b, by=manager, severity="high", now=NOW - timedelta(days=3), owner=manager
    )
    return move(dispute, manager, "awaiting_vendor")


def test_a_legacy_series_fails_alone_and_every_other_series_is_generated(series):
    good_a, bad, good_b = series
    created = sweep_generate_occurrences(NOW)
    assert created > 0
    assert Meeting.objects.filter(series=good_a).exists()
    assert Meeting.objects.filter(series=good_b).exists()
    assert not Meeting.objects.filter(series=bad).exists()  # its transaction rolled back
    failure = SweepFailure.objects.get()
    assert (failure.sweep, failure.object_type, failure.object_id) == (
        "meeting_occurrences",
        "meetings.meetingseries",
        bad.pk,
    )
    assert "DataError" in failure.error and failure.cleared_at is None


def test_send_reminders_sends_everything_else_then_exits_non_zero_naming_the_row(
    series, overdue_dispute, capsys
):
    _good_a, bad, _good_b = series
    with pytest.raises(CommandError) as raised:
        call_command("send_reminders", "--now", NOW.isoformat())
    out, err = capsys.readouterr()
    assert "1 object(s) failed" in str(raised.value)
    assert f"meetings.meetingseries #{bad.pk}" in err and "DataError" in err
    # The dispute of the other vendor was reminded all the same.
    assert "disputes: 1" in out
    assert Notification.objects.filter(kind="dispute.response_overdue").count() == 2
    run = SweepRun.objects.get()
    assert run.finished_at is not None and run.failure_count == 1 and run.error == ""


def test_a_failure_stays_one_open_row_until_the_data_is_fixed(series, manager, client_for):
    _good_a, bad, _good_b = series
    sweep_generate_occurrences(NOW)
    sweep_generate_occurrences(NOW + timedelta(minutes=15))
    failure = SweepFailure.objects.get()
    assert failure.occurrences == 2

    page = client_for(manager).get("/operations/reminders/").content.decode()
    assert "Objects the sweeps fail on" in page
    assert bad.title in page and "DataError" in page

    MeetingSeries.objects.filter(pk=bad.pk).update(standing_agenda="Staffing\nKPIs")
    assert sweep_generate_occurrences(NOW + timedelta(minutes=30)) > 0
    failure.refresh_from_db()
    assert failure.cleared_at is not None
    assert Meeting.objects.filter(series=bad).exists()
    page = client_for(manager).get("/operations/reminders/").content.decode()
    assert "Objects the sweeps fail on" not in page


def test_send_reminders_exits_zero_when_nothing_failed(overdue_dispute, capsys):
    call_command("send_reminders", "--now", NOW.isoformat())
    assert "Reminder sweeps ran" in capsys.readouterr().out


def test_healthz_is_degraded_while_an_object_keeps_failing(series, client):
    sweep_generate_occurrences(NOW)
    data = client.get("/healthz").json()
    assert data["checks"]["beat"]["open_failures"] == 1
    assert data["status"] == "degraded"


def test_a_failing_dispute_leaves_the_others_reminded(vendor_a, manager, partner_a, monkeypatch):
    disputes = [
        move(
            make_dispute(
                vendor=vendor_a,
                by=manager,
                severity="high",
                now=NOW - timedelta(days=3),
                owner=manager,
                title=f"Outage {n}",
            ),
            manager,
            "awaiting_vendor",
        )
        for n in range(5)
    ]
    poisoned = disputes[2]
    from disputes import reminders as dispute_reminders

    real = dispute_reminders.dispute_record_reminder

    def record(*, dispute, **kwargs):
        if dispute.pk == poisoned.pk:
            raise ValueError("corrupt timeline")
        return real(dispute=dispute, **kwargs)

    monkeypatch.setattr(dispute_reminders, "dispute_record_reminder", record)
    assert sweep_overdue_disputes(NOW) == 4
    reminded = set(Reminder.objects.values_list("object_id", flat=True))
    assert reminded == {d.pk for d in disputes} - {poisoned.pk}
    assert SweepFailure.objects.get().object_id == poisoned.pk


def test_chunked_set_based_work_falls_back_to_one_object_at_a_time(vendor_a, vendor_b):
    """issue 14's set-based sweeps: a chunk that fails is retried object by object."""
    done: list[str] = []

    def together(vendors):
        done.extend(v.slug for v in vendors)
        raise ValueError("one row in this chunk is bad")

    def alone(vendor):
        if vendor.slug == vendor_b.slug:
            raise ValueError("this one")
        done.append(f"alone:{vendor.slug}")
        return 1

    @register("test_chunked")
    def sweep(now):
        return isolated_chunk([vendor_a, vendor_b], together, alone)

    try:
        assert sweep(NOW) == 1
    finally:
        from vendorhub.reminders import SWEEPS

        SWEEPS.pop("test_chunked")
    assert done[-1] == f"alone:{vendor_a.slug}"
    failure = SweepFailure.objects.get()
    assert (failure.sweep, failure.object_id) == ("test_chunked", vendor_b.pk)


def test_a_time_limit_stops_the_run_without_blaming_an_object(vendor_a, manager, client_for):
    """A soft time limit is the run's problem, not the object's: the run records it and
    the task retries; no SweepFailure is written for the object in hand."""
    from celery.exceptions import SoftTimeLimitExceeded

    from vendorhub.reminders import SWEEPS, isolated, run_all_sweeps

    def out_of_time():
        raise SoftTimeLimitExceeded()

    @register("test_time_limit")
    def sweep(now):
        return isolated(vendor_a, out_of_time)

    saved = {name: func for name, func in SWEEPS.items() if name != "test_time_limit"}
    SWEEPS.clear()
    SWEEPS["test_time_limit"] = sweep
    try:
        with pytest.raises(SoftTimeLimitExceeded):
            run_all_sweeps(NOW)
    finally:
        SWEEPS.clear()
        SWEEPS.update(saved)
    run = SweepRun.objects.get()
    assert run.finished_at is not None and "time limit" in run.error
    assert not SweepFailure.objects.exists()


def test_a_run_that_died_is_shown_unfinished_to_managers(client_for, manager):
    long_ago = NOW - timedelta(hours=1)
    SweepRun.objects.create(started_at=long_ago, now=long_ago, trigger="beat")
    page = client_for(manager).get("/operations/reminders/").content.decode()
    assert "unfinished" in page
