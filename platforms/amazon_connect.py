"""Amazon Connect: the GetMetricDataV2 response → ``IntervalCounts``.

The payload is what ``GetMetricDataV2`` answers (botocore's ``GetMetricDataV2Response``
model), pages concatenated::

    {"MetricResults": [{"Dimensions": {"QUEUE": "…", "QUEUE_ARN": "…", "CHANNEL": "VOICE"},
                        "MetricInterval": {"Interval": "DAY",
                                           "StartTime": "2026-03-01T16:00:00+00:00",
                                           "EndTime": "2026-03-02T16:00:00+00:00"},
                        "Collections": [{"Metric": {"Name": "CONTACTS_QUEUED"}, "Value": 412.0},
                                        …]}]}

Times may be ISO 8601 with an offset (the AWS CLI's output), epoch seconds (the wire
format) or aware datetimes (boto3's objects).

Mapping (SPEC section 6; Connect times are seconds, values are doubles):

- offered = ``CONTACTS_QUEUED``
- answered = handled = ``CONTACTS_HANDLED``
- abandoned = ``CONTACTS_ABANDONED``
- answered within the threshold = ``SUM_CONTACTS_ANSWERED_IN_X``, threshold from
  ``Metric.Threshold[0].ThresholdValue``
- short abandons = ``SUM_CONTACTS_ABANDONED_IN_X`` (its threshold is the cut-off)
- handle time = ``AVG_HANDLE_TIME`` × handled (AHT weighted by handled contacts)
- answer wait = ``AVG_QUEUE_ANSWER_TIME`` × answered (ASA weighted by answered contacts;
  Connect averages over contacts answered from the queue, which is CONTACTS_HANDLED
  up to transfers, the nearest count the API offers)

The first four and ``AVG_HANDLE_TIME`` are required in every result (Connect returns
every requested metric in every result); the other three are optional and ``None``
when absent. Connect answers ``Value: null`` when it "cannot calculate" a figure: for a
count that means no contacts (0); for an average it is 0 only when there was nothing
to average (no handled contact), otherwise an error. Channels: ``VOICE``, ``CHAT`` and
``EMAIL`` map to voice, chat, email; ``TASK`` and others to "".
"""

from __future__ import annotations

from typing import Any

from .counts import IntervalCounts, ParseResult, merge_rows
from .payload import PayloadReader

FORMAT = "amazon_connect"

COUNTS = {
    "CONTACTS_QUEUED": "offered",
    "CONTACTS_HANDLED": "answered",
    "CONTACTS_ABANDONED": "abandoned",
}
THRESHOLD_COUNTS = {
    "SUM_CONTACTS_ANSWERED_IN_X": "answered_in_threshold",
    "SUM_CONTACTS_ABANDONED_IN_X": "short_abandoned",
}
AVERAGES = {"AVG_HANDLE_TIME": "handle_seconds", "AVG_QUEUE_ANSWER_TIME": "answer_wait_seconds"}
REQUIRED = ("CONTACTS_QUEUED", "CONTACTS_HANDLED", "CONTACTS_ABANDONED", "AVG_HANDLE_TIME")
# Every metric this module reads, in the order a pull asks for them.
METRICS = (*COUNTS, *THRESHOLD_COUNTS, *AVERAGES)

CHANNELS = {"VOICE": "voice", "CHAT": "chat", "EMAIL": "email"}


def parse(payload: Any) -> ParseResult:
    """Every result (queue × channel × interval) in ``payload``, and every error in it."""
    reader = PayloadReader()
    if not isinstance(payload, dict):
        reader.error("$", "payload", "expected a GetMetricDataV2 response object")
        return ParseResult(errors=reader.errors)
    if "MetricResults" not in payload:
        reader.error(
            "$", "payload", "unknown shape: a GetMetricDataV2 response has MetricResults[]"
        )
        return ParseResult(errors=reader.errors)
    results = reader.array(payload["MetricResults"], "MetricResults", "payload")
    rows = []
    for i, raw in enumerate(results or []):
        row = _result(reader, raw, f"MetricResults[{i}]")
        if row is not None:
            rows.append(row)
    return ParseResult(rows=merge_rows(rows), errors=reader.errors)


def _result(reader: PayloadReader, raw: Any, path: str) -> IntervalCounts | None:
    errors_before = len(reader.errors)
    result = reader.object(raw, path, "payload")
    if result is None:
        return None
    queue, media = _dimensions(reader, result.get("Dimensions", {}), f"{path}.Dimensions")
    bounds = _bounds(reader, result.get("MetricInterval"), f"{path}.MetricInterval")

    values: dict[str, float | None] = {}
    value_paths: dict[str, str] = {}
    thresholds: dict[str, float | None] = {}
    collections = reader.array(result.get("Collections"), f"{path}.Collections", "payload")
    for k, raw_entry in enumerate(collections or []):
        entry_path = f"{path}.Collections[{k}]"
        entry = reader.object(raw_entry, entry_path, "payload")
        if entry is None:
            continue
        metric = reader.object(entry.get("Metric"), f"{entry_path}.Metric", "payload")
        if metric is None:
            continue
        name = reader.text(metric.get("Name"), f"{entry_path}.Metric.Name", "payload")
        if name not in METRICS:
            continue
        field = {**COUNTS, **THRESHOLD_COUNTS, **AVERAGES}[name]
        if name in values:
            reader.error(
                f"{entry_path}.Metric", field, f"{name} appears twice (one threshold per metric)"
            )
            continue
        value = entry.get("Value")
        value_path = value_paths[name] = f"{entry_path}.Value"
        if value is None:
            values[name] = None
        elif name in AVERAGES:
            values[name] = reader.number(value, value_path, field)
        else:
            counted = reader.count(value, value_path, field)
            values[name] = None if counted is None else float(counted)
        if name in THRESHOLD_COUNTS:
            thresholds[name] = _threshold(reader, metric.get("Threshold"), entry_path, field)

    for name in REQUIRED:
        if name not in values and collections is not None:
            field = {**COUNTS, **AVERAGES}[name]
            reader.error(f"{path}.Collections", field, f"missing metric {name}")
    if len(reader.errors) > errors_before or bounds is None:
        return None

    def count(name: str) -> int | None:
        if name not in values:
            return None
        return int(values[name] or 0)  # null count: Connect had no contacts to count

    handled = count("CONTACTS_HANDLED")
    handle_seconds = _weighted(reader, values, value_paths, "AVG_HANDLE_TIME", handled)
    answer_wait = (
        _weighted(reader, values, value_paths, "AVG_QUEUE_ANSWER_TIME", handled)
        if "AVG_QUEUE_ANSWER_TIME" in values
        else None
    )
    abandoned = count("CONTACTS_ABANDONED")
    short = count("SUM_CONTACTS_ABANDONED_IN_X")
    if short is not None and short > abandoned:
        reader.error(
            value_paths["SUM_CONTACTS_ABANDONED_IN_X"],
            "short_abandoned",
            f"more short abandons ({short}) than abandons ({abandoned})",
        )
    if len(reader.errors) > errors_before:
        return None
    return IntervalCounts(
        queue=queue,
        media=media,
        start=bounds[0],
        end=bounds[1],
        offered=count("CONTACTS_QUEUED"),
        answered=handled,
        abandoned=abandoned,
        handled=handled,
        handle_seconds=handle_seconds,
        answered_in_threshold=count("SUM_CONTACTS_ANSWERED_IN_X"),
        threshold_seconds=thresholds.get("SUM_CONTACTS_ANSWERED_IN_X"),
        short_abandoned=short,
        short_abandon_seconds=thresholds.get("SUM_CONTACTS_ABANDONED_IN_X"),
        answer_wait_seconds=answer_wait,
    )


def _dimensions(reader: PayloadReader, raw: Any, path: str) -> tuple[str, str]:
    dimensions = reader.object(raw, path, "queue")
    if dimensions is None:
        return "", ""
    queue = reader.text(dimensions.get("QUEUE", ""), f"{path}.QUEUE", "queue") or ""
    channel = reader.text(dimensions.get("CHANNEL", ""), f"{path}.CHANNEL", "media") or ""
    return queue, CHANNELS.get(channel.upper(), "")


def _bounds(reader: PayloadReader, raw: Any, path: str):
    if raw is None:
        reader.error(path, "start", "missing interval (MetricInterval)")
        return None
    interval = reader.object(raw, path, "start")
    if interval is None:
        return None
    bounds = []
    for key, field in (("StartTime", "start"), ("EndTime", "end")):
        if key not in interval:
            reader.error(f"{path}.{key}", field, f"missing {key}")
            bounds.append(None)
        else:
            bounds.append(reader.instant(interval[key], f"{path}.{key}", field))
    start, end = bounds
    if start is None or end is None:
        return None
    if end <= start:
        reader.error(f"{path}.EndTime", "end", "the interval ends before it starts")
        return None
    return start, end


def _threshold(reader: PayloadReader, raw: Any, entry_path: str, field: str) -> float | None:
    """The seconds of ``Metric.Threshold[0].ThresholdValue`` (Connect allows one)."""
    path = f"{entry_path}.Metric.Threshold"
    if raw is None:
        reader.error(path, field, "an IN_X metric needs its Threshold")
        return None
    thresholds = reader.array(raw, path, field)
    if thresholds is None:
        return None
    if len(thresholds) != 1:
        reader.error(path, field, f"expected one threshold, got {len(thresholds)}")
        return None
    threshold = reader.object(thresholds[0], f"{path}[0]", field)
    if threshold is None:
        return None
    return reader.number(threshold.get("ThresholdValue"), f"{path}[0].ThresholdValue", field)


def _weighted(
    reader: PayloadReader, values: dict, paths: dict[str, str], name: str, weight: int | None
) -> float | None:
    """An average × its weight: the total seconds, which add up across intervals."""
    average = values.get(name)
    if average is None:
        if weight:
            reader.error(
                paths[name],
                AVERAGES[name],
                f"{name} is null although {weight} contacts were handled",
            )
            return None
        return 0.0
    return average * (weight or 0)
