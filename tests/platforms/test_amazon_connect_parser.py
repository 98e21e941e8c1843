"""Amazon Connect GetMetricDataV2 → IntervalCounts, with hand-summed oracles."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from platforms import amazon_connect
from platforms.parsers import parser_for
from tests.platforms.payloads import load

VOICE_Q = "a1b2c3d4-0000-4000-8000-000000000001"
CHAT_Q = "a1b2c3d4-0000-4000-8000-000000000002"


def rows_of(queue: str, result):
    return [row for row in result.rows if row.queue == queue]


def test_daily_payload_parses_into_six_rows_with_threshold_and_channel():
    result = parser_for("amazon_connect")(load("amazon_connect_daily"))
    assert result.ok, result.errors
    assert len(result.rows) == 6
    assert {(r.queue, r.media) for r in result.rows} == {(VOICE_Q, "voice"), (CHAT_Q, "chat")}
    assert {r.threshold_seconds for r in result.rows} == {20.0}
    assert {r.short_abandon_seconds for r in result.rows} == {5.0}
    first = result.rows[0]
    assert (first.start, first.end) == (
        datetime(2026, 3, 1, 16, tzinfo=UTC),
        datetime(2026, 3, 2, 16, tzinfo=UTC),
    )
    assert first.local_day(ZoneInfo("Asia/Manila")) == date(2026, 3, 2)


def test_voice_queue_counts_and_weighted_times_match_the_hand_sums():
    rows = rows_of(VOICE_Q, amazon_connect.parse(load("amazon_connect_daily")))
    assert sum(r.offered for r in rows) == 520 + 476 + 503
    assert sum(r.answered for r in rows) == 489 + 455 + 470
    assert sum(r.handled for r in rows) == 489 + 455 + 470
    assert sum(r.abandoned for r in rows) == 31 + 21 + 33
    assert sum(r.short_abandoned for r in rows) == 8 + 5 + 12
    assert sum(r.answered_in_threshold for r in rows) == 402 + 391 + 352
    # AHT and ASA are weighted by the contacts they average over, not averaged daily.
    handle = 312.5 * 489 + 298.0 * 455 + 325.75 * 470
    wait = 14.25 * 489 + 11.5 * 455 + 19.0 * 470
    assert sum(r.handle_seconds for r in rows) == pytest.approx(handle)
    assert sum(r.answer_wait_seconds for r in rows) == pytest.approx(wait)
    aht = handle / (489 + 455 + 470)
    assert aht != pytest.approx((312.5 + 298.0 + 325.75) / 3)  # the naive mean differs
    assert sum(r.handle_seconds for r in rows) / sum(r.handled for r in rows) == pytest.approx(aht)


def test_a_day_without_contacts_has_null_averages_and_zero_times():
    rows = rows_of(CHAT_Q, amazon_connect.parse(load("amazon_connect_daily")))
    quiet = rows[1]
    assert (quiet.offered, quiet.handled, quiet.handle_seconds, quiet.answer_wait_seconds) == (
        0,
        0,
        0.0,
        0.0,
    )
    assert sum(r.offered for r in rows) == 88 + 0 + 97
    assert sum(r.handle_seconds for r in rows) == pytest.approx(610.0 * 85 + 585.5 * 94)


def test_epoch_seconds_and_datetimes_read_like_iso_strings():
    iso = amazon_connect.parse(load("amazon_connect_daily")).rows
    payload = load("amazon_connect_daily")
    for result in payload["MetricResults"]:
        interval = result["MetricInterval"]
        interval["StartTime"] = datetime.fromisoformat(interval["StartTime"]).timestamp()
        interval["EndTime"] = datetime.fromisoformat(interval["EndTime"])  # boto3's objects
    assert amazon_connect.parse(payload).rows == iso


def test_optional_metrics_left_out_are_unknown():
    payload = load("amazon_connect_daily")
    optional = {
        "SUM_CONTACTS_ANSWERED_IN_X",
        "SUM_CONTACTS_ABANDONED_IN_X",
        "AVG_QUEUE_ANSWER_TIME",
    }
    for result in payload["MetricResults"]:
        result["Collections"] = [
            c for c in result["Collections"] if c["Metric"]["Name"] not in optional
        ]
    result = amazon_connect.parse(payload)
    assert result.ok
    row = result.rows[0]
    assert (row.answered_in_threshold, row.threshold_seconds, row.short_abandoned) == (
        None,
        None,
        None,
    )
    assert row.answer_wait_seconds is None
    assert row.offered == 520


def test_empty_results_are_no_data():
    result = amazon_connect.parse({"MetricResults": []})
    assert result.ok and result.rows == []


@pytest.mark.parametrize(
    ("payload", "path", "message"),
    [
        (None, "$", "expected a GetMetricDataV2 response object"),
        ({}, "$", "unknown shape"),
        ({"results": []}, "$", "unknown shape"),
        ({"MetricResults": "x"}, "MetricResults", "expected an array, got a string"),
    ],
)
def test_unknown_shapes_are_errors_not_exceptions(payload, path, message):
    result = amazon_connect.parse(payload)
    assert result.rows == []
    assert [e.path for e in result.errors] == [path]
    assert message in result.errors[0].message


def test_every_fault_of_the_malformed_payload_is_reported_with_its_path():
    result = amazon_connect.parse(load("amazon_connect_malformed"))
    assert [(e.path, e.field) for e in result.errors] == [
        ("MetricResults[0].MetricInterval", "start"),  # no interval
        ("MetricResults[1].MetricInterval.StartTime", "start"),  # month 13
        ("MetricResults[2].Collections[0].Value", "offered"),  # negative
        ("MetricResults[3].Collections[1].Value", "answered"),  # a string
        ("MetricResults[4].Collections", "abandoned"),  # CONTACTS_ABANDONED missing
        ("MetricResults[5].Collections[3].Metric.Threshold", "answered_in_threshold"),
        ("MetricResults[6].Collections[5].Value", "handle_seconds"),  # null AHT, 38 handled
        ("MetricResults[7].MetricInterval.EndTime", "end"),  # ends before it starts
        ("MetricResults[8].Dimensions.QUEUE", "queue"),  # a number
        ("MetricResults[9].Collections[4].Value", "short_abandoned"),  # 3 of 2 abandons
        ("MetricResults[10].Collections[2].Value", "abandoned"),  # 2.5 contacts
    ]
    messages = [e.message for e in result.errors]
    assert messages[2] == "must not be negative (got -5)"
    assert messages[4] == "missing metric CONTACTS_ABANDONED"
    assert "38 contacts were handled" in messages[6]
    assert not result.ok
    assert [(r.offered, r.handled, r.handle_seconds) for r in result.rows] == [(40, 38, 300.0 * 38)]


def test_two_thresholds_for_one_metric_are_refused():
    payload = load("amazon_connect_daily")
    collections = payload["MetricResults"][0]["Collections"]
    collections[3]["Metric"]["Threshold"].append({"Comparison": "LTE", "ThresholdValue": 30.0})
    result = amazon_connect.parse(payload)
    assert [(e.path, e.field) for e in result.errors] == [
        ("MetricResults[0].Collections[3].Metric.Threshold", "answered_in_threshold")
    ]
    assert "expected one threshold, got 2" in result.errors[0].message
