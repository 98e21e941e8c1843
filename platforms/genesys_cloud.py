"""Genesys Cloud: the conversation aggregates query response → ``IntervalCounts``.

The payload is what ``POST /api/v2/analytics/conversations/aggregates/query`` answers
(``ConversationAggregateQueryResponse`` in the platform's SDKs)::

    {"results": [{"group": {"queueId": "…", "mediaType": "voice"},
                  "data": [{"interval": "2026-03-01T16:00:00.000Z/2026-03-02T16:00:00.000Z",
                            "metrics": [{"metric": "nOffered", "stats": {"count": 412}}, …]}]}]}

Mapping (SPEC section 6; Genesys times are milliseconds):

- offered = ``nOffered.count``
- answered = ``tAnswered.count``; answer wait = ``tAnswered.sum`` (so ASA = sum / count)
- abandoned = ``tAbandon.count``; short abandons = ``tShortAbandon.count``
- answered within the threshold = ``oServiceLevel.stats.numerator``
- handled = ``tHandle.count``; handle time = ``tHandle.sum`` (so AHT = sum / count)

Genesys leaves a metric out of an interval when nothing happened (no abandons that
hour, no ``tAbandon``), and answers ``{}`` when nothing matched at all. So a missing
count metric is 0 in that interval. The two optional figures (short abandons, answers
within the threshold) are ``None`` when their metric appears nowhere in the payload
(the query did not ask for them) and 0 in an interval that lacks them otherwise. The
service-level threshold and the short-abandon cut-off are queue settings in Genesys,
not part of the response, so ``threshold_seconds`` and ``short_abandon_seconds`` stay
``None`` here.

Media: ``voice`` and ``callback`` are voice, ``chat`` and ``message`` are chat,
``email`` is email; any other medium is "". Rows that meet on one queue, medium and
interval are summed (``counts.merge_rows``).
"""

from __future__ import annotations

from typing import Any

from .counts import IntervalCounts, ParseResult, merge_rows
from .payload import PayloadReader

FORMAT = "genesys_cloud"

# The metrics a pull asks for (connectors/genesys_cloud.py) and this module reads.
METRICS = ("nOffered", "tAnswered", "tAbandon", "tShortAbandon", "oServiceLevel", "tHandle")

MEDIA = {"voice": "voice", "callback": "voice", "chat": "chat", "message": "chat", "email": "email"}


def media_of(media_type: str) -> str:
    return MEDIA.get(media_type.lower(), "")


def _mentioned(payload: dict, metric: str) -> bool:
    """Does any interval of the payload carry ``metric``? (Tolerant: shape errors are
    reported by the main walk.)"""
    results = payload.get("results")
    for result in results if isinstance(results, list) else []:
        data = result.get("data") if isinstance(result, dict) else None
        for item in data if isinstance(data, list) else []:
            metrics = item.get("metrics") if isinstance(item, dict) else None
            for entry in metrics if isinstance(metrics, list) else []:
                if isinstance(entry, dict) and entry.get("metric") == metric:
                    return True
    return False


def parse(payload: Any) -> ParseResult:
    """Every interval of every queue × medium in ``payload``, and every error in it."""
    reader = PayloadReader()
    if not isinstance(payload, dict):
        reader.error("$", "payload", "expected a conversation aggregates query response object")
        return ParseResult(errors=reader.errors)
    if "results" not in payload:
        if payload:
            reader.error(
                "$",
                "payload",
                "unknown shape: a Genesys Cloud conversation aggregates response has results[]",
            )
        return ParseResult(errors=reader.errors)  # {} is Genesys's "nothing matched"
    results = reader.array(payload["results"], "results", "payload")
    if results is None:
        return ParseResult(errors=reader.errors)

    optional_default = {
        "tShortAbandon": 0 if _mentioned(payload, "tShortAbandon") else None,
        "oServiceLevel": 0 if _mentioned(payload, "oServiceLevel") else None,
    }
    rows: list[IntervalCounts] = []
    for i, raw in enumerate(results):
        path = f"results[{i}]"
        result = reader.object(raw, path, "payload")
        if result is None:
            continue
        queue, media = _group(reader, result.get("group", {}), f"{path}.group")
        data = reader.array(result.get("data"), f"{path}.data", "payload")
        for j, item in enumerate(data or []):
            row = _interval(reader, item, f"{path}.data[{j}]", queue, media, optional_default)
            if row is not None:
                rows.append(row)
    return ParseResult(rows=merge_rows(rows), errors=reader.errors)


def _group(reader: PayloadReader, raw: Any, path: str) -> tuple[str, str]:
    group = reader.object(raw, path, "queue")
    if group is None:
        return "", ""
    queue = group.get("queueId", "")
    media = group.get("mediaType", "")
    queue = reader.text(queue, f"{path}.queueId", "queue") or ""
    media = reader.text(media, f"{path}.mediaType", "media") or ""
    return queue, media_of(media)


def _interval(
    reader: PayloadReader,
    raw: Any,
    path: str,
    queue: str,
    media: str,
    optional_default: dict[str, int | None],
) -> IntervalCounts | None:
    errors_before = len(reader.errors)
    item = reader.object(raw, path, "payload")
    if item is None:
        return None
    if "interval" not in item:
        reader.error(f"{path}.interval", "start", "missing interval")
        bounds = None
    else:
        bounds = reader.interval(item["interval"], f"{path}.interval")
    metrics = reader.array(item.get("metrics"), f"{path}.metrics", "payload") or []

    stats_by_metric: dict[str, tuple[str, dict]] = {}
    for k, entry in enumerate(metrics):
        entry_path = f"{path}.metrics[{k}]"
        entry = reader.object(entry, entry_path, "payload")
        if entry is None:
            continue
        name = reader.text(entry.get("metric"), f"{entry_path}.metric", "payload")
        if name not in METRICS:
            continue  # other metrics (tTalk, nTransferred…) are not KPI inputs here
        if name in stats_by_metric:
            reader.error(f"{entry_path}.metric", "payload", f"{name} appears twice in one interval")
            continue
        stats = reader.object(entry.get("stats"), f"{entry_path}.stats", _FIELD[name])
        if stats is not None:
            stats_by_metric[name] = (f"{entry_path}.stats", stats)

    def stat(metric: str, key: str, field: str, *, whole: bool) -> int | float | None:
        """``metric.stats.key``; a metric Genesys left out means no events (0)."""
        if metric not in stats_by_metric:
            return 0
        stats_path, stats = stats_by_metric[metric]
        if key not in stats:
            if key == "sum" and stats.get("count") == 0:
                return 0
            reader.error(f"{stats_path}.{key}", field, f"{metric} has no stats.{key}")
            return None
        read = reader.count if whole else reader.number
        return read(stats[key], f"{stats_path}.{key}", field)

    offered = stat("nOffered", "count", "offered", whole=True)
    answered = stat("tAnswered", "count", "answered", whole=True)
    wait_ms = stat("tAnswered", "sum", "answer_wait_seconds", whole=False)
    abandoned = stat("tAbandon", "count", "abandoned", whole=True)
    handled = stat("tHandle", "count", "handled", whole=True)
    handle_ms = stat("tHandle", "sum", "handle_seconds", whole=False)
    short = (
        stat("tShortAbandon", "count", "short_abandoned", whole=True)
        if "tShortAbandon" in stats_by_metric
        else optional_default["tShortAbandon"]
    )
    in_threshold = (
        stat("oServiceLevel", "numerator", "answered_in_threshold", whole=True)
        if "oServiceLevel" in stats_by_metric
        else optional_default["oServiceLevel"]
    )
    if short is not None and abandoned is not None and short > abandoned:
        reader.error(
            f"{stats_by_metric['tShortAbandon'][0]}.count",
            "short_abandoned",
            f"more short abandons ({short}) than abandons ({abandoned})",
        )
    if len(reader.errors) > errors_before or bounds is None:
        return None
    return IntervalCounts(
        queue=queue,
        media=media,
        start=bounds[0],
        end=bounds[1],
        offered=offered,
        answered=answered,
        abandoned=abandoned,
        handled=handled,
        handle_seconds=handle_ms / 1000,
        answered_in_threshold=in_threshold,
        short_abandoned=short,
        answer_wait_seconds=wait_ms / 1000,
    )


_FIELD = {
    "nOffered": "offered",
    "tAnswered": "answered",
    "tAbandon": "abandoned",
    "tShortAbandon": "short_abandoned",
    "oServiceLevel": "answered_in_threshold",
    "tHandle": "handled",
}
