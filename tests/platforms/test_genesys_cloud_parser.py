"""Genesys Cloud conversation aggregates → IntervalCounts.

The oracles are the fixture's own numbers, summed by hand here, not by the code under
test: a reader can check each total against tests/platforms/payloads/*.json.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from platforms import genesys_cloud
from platforms.counts import ParseError
from platforms.parsers import parser_for
from tests.platforms.payloads import load

BILLING = "5b1d0a5e-6a57-4c0b-9d0e-0a7c2d1f3b01"
SUPPORT = "9c3e2f71-1b4d-4e8a-a3f2-55d6c7e8f902"
MANILA = ZoneInfo("Asia/Manila")


def rows_of(queue: str, media: str, result):
    return [row for row in result.rows if row.queue == queue and row.media == media]


def test_daily_payload_parses_without_errors_one_row_per_queue_medium_and_day():
    result = genesys_cloud.parse(load("genesys_cloud_daily"))
    assert result.ok, result.errors
    # 3 days × (billing voice + support chat); support's "message" joins its chat row.
    assert len(result.rows) == 6
    assert {(r.queue, r.media) for r in result.rows} == {(BILLING, "voice"), (SUPPORT, "chat")}
    first = rows_of(BILLING, "voice", result)[0]
    assert first.start == datetime(2026, 3, 1, 16, tzinfo=UTC)
    assert first.end == datetime(2026, 3, 2, 16, tzinfo=UTC)
    assert first.start.tzinfo is not None
    assert first.local_day(MANILA) == date(2026, 3, 2)
    assert first.threshold_seconds is None  # a queue setting in Genesys, not in the payload


def test_voice_queue_totals_over_three_days_match_the_hand_sums():
    rows = rows_of(BILLING, "voice", genesys_cloud.parse(load("genesys_cloud_daily")))
    assert sum(r.offered for r in rows) == 412 + 398 + 455
    assert sum(r.answered for r in rows) == 388 + 371 + 437
    assert sum(r.abandoned for r in rows) == 24 + 27 + 18
    # Day 3 has no tShortAbandon: Genesys left it out because there were none.
    assert [r.short_abandoned for r in rows] == [6, 9, 0]
    assert sum(r.answered_in_threshold for r in rows) == 310 + 281 + 368
    assert sum(r.handled for r in rows) == 386 + 372 + 436
    assert sum(r.handle_seconds for r in rows) == pytest.approx(
        (130712400 + 127431000 + 141264000) / 1000
    )
    assert sum(r.answer_wait_seconds for r in rows) == pytest.approx(
        (5432100 + 6011450 + 4806800) / 1000
    )
    # The KPIs an analyst would compute from these counts.
    asa = sum(r.answer_wait_seconds for r in rows) / sum(r.answered for r in rows)
    aht = sum(r.handle_seconds for r in rows) / sum(r.handled for r in rows)
    assert asa == pytest.approx(16250.35 / 1196)
    assert aht == pytest.approx(399407.4 / 1194)


def test_chat_and_message_media_are_summed_into_one_chat_row():
    rows = rows_of(SUPPORT, "chat", genesys_cloud.parse(load("genesys_cloud_daily")))
    day3 = rows[2]
    assert day3.offered == 131 + 14
    assert day3.answered == 125 + 14
    assert day3.answered_in_threshold == 112 + 14
    assert day3.handled == 124 + 14
    assert day3.handle_seconds == pytest.approx((55800000 + 9800000) / 1000)
    assert day3.answer_wait_seconds == pytest.approx((2875000 + 420000) / 1000)
    # Day 2 had no abandons at all: no tAbandon metric, so 0, not an error.
    assert rows[1].abandoned == 0
    assert sum(r.offered for r in rows) == 120 + 98 + 131 + 14


def test_hourly_rows_bucket_into_the_vendors_local_days():
    rows = genesys_cloud.parse(load("genesys_cloud_hourly")).rows
    by_day: dict[date, int] = {}
    for row in rows:
        by_day[row.local_day(MANILA)] = by_day.get(row.local_day(MANILA), 0) + row.offered
    # 14:00 and 15:00 UTC are 22:00 and 23:00 in Manila on 2 March; 16:00 is midnight.
    assert by_day == {date(2026, 3, 2): 31 + 22, date(2026, 3, 3): 14 + 9}
    # A UTC day straddles two Manila days: it belongs to neither.
    utc_day = genesys_cloud.parse(load("genesys_cloud_daily")).rows[0]
    assert utc_day.local_day(ZoneInfo("UTC")) is None


def test_optional_metrics_absent_from_the_whole_payload_are_unknown_not_zero():
    payload = load("genesys_cloud_daily")
    for result in payload["results"]:
        for item in result["data"]:
            item["metrics"] = [
                m for m in item["metrics"] if m["metric"] not in {"tShortAbandon", "oServiceLevel"}
            ]
    rows = genesys_cloud.parse(payload).rows
    assert {r.short_abandoned for r in rows} == {None}
    assert {r.answered_in_threshold for r in rows} == {None}
    assert sum(r.offered for r in rows) == 412 + 398 + 455 + 120 + 98 + 131 + 14


def test_empty_object_is_no_data_and_the_registry_finds_the_parser():
    result = parser_for("genesys_cloud")({})
    assert result.ok and result.rows == []
    assert parser_for("genesys_cloud") is genesys_cloud.parse
    with pytest.raises(KeyError):
        parser_for("csv")


@pytest.mark.parametrize(
    ("payload", "path", "message"),
    [
        ([], "$", "expected a conversation aggregates query response object"),
        ("{}", "$", "expected a conversation aggregates query response object"),
        ({"MetricResults": []}, "$", "unknown shape"),
        ({"results": {"a": 1}}, "results", "expected an array, got an object"),
    ],
)
def test_unknown_shapes_are_errors_not_exceptions(payload, path, message):
    result = genesys_cloud.parse(payload)
    assert result.rows == []
    assert len(result.errors) == 1
    assert result.errors[0].path == path
    assert message in result.errors[0].message


def test_every_fault_of_the_malformed_payload_is_reported_with_its_path():
    result = genesys_cloud.parse(load("genesys_cloud_malformed"))
    found = [(e.path, e.field) for e in result.errors]
    assert found == [
        ("results[0].data[0].interval", "start"),  # no interval at all
        ("results[0].data[1].interval", "start"),  # no UTC offset on either end
        ("results[0].data[1].interval", "end"),
        ("results[0].data[2].interval", "start"),  # not ISO 8601
        ("results[0].data[2].interval", "end"),
        ("results[0].data[3].metrics[0].stats.count", "offered"),  # negative
        ("results[0].data[4].metrics[1].stats.count", "answered"),  # a string
        ("results[0].data[5].metrics[1].stats.sum", "handle_seconds"),  # no sum
        ("results[1]", "payload"),  # not an object
        ("results[2].group", "queue"),  # an array
        ("results[2].data[0].metrics[0].stats.count", "offered"),  # 12.5 contacts
        ("results[2].data[0].metrics[2].stats.count", "short_abandoned"),  # 9 of 3 abandons
        ("results[2].data[1].interval", "end"),  # ends before it starts
        ("results[2].data[2].metrics[1].metric", "payload"),  # nOffered twice
        ("results[2].data[2].metrics[2].stats", "answered"),  # stats null
        ("results[3].data", "payload"),  # no data[]
    ]
    messages = {e.path: e.message for e in result.errors}
    assert messages["results[0].data[3].metrics[0].stats.count"] == "must not be negative (got -4)"
    assert "no UTC offset" in messages["results[0].data[1].interval"]
    assert "not an ISO 8601" in messages["results[0].data[2].interval"]
    assert all(isinstance(e, ParseError) and e.message for e in result.errors)
    # The one sound interval is still read (for a preview); an import refuses it all.
    assert not result.ok
    assert [(r.queue, r.offered, r.handled) for r in result.rows] == [(SUPPORT, 7, 7)]


def test_the_parser_never_mutates_the_payload():
    payload = load("genesys_cloud_daily")
    before = copy.deepcopy(payload)
    genesys_cloud.parse(payload)
    assert payload == before
