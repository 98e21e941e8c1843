"""Clause versions: the list of snapshots, word diffs between them, the text as of a date."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from .models import Clause

TRACKED = ("number", "heading", "category", "obligated_party", "body")


def word_diff(old: str, new: str) -> SafeString:
    """``old`` → ``new`` as escaped HTML with ``<del>``/``<ins>`` around changed words."""
    a = re.findall(r"\s+|[^\s]+", old or "")
    b = re.findall(r"\s+|[^\s]+", new or "")
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if op in ("replace", "delete"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("replace", "insert"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text was escaped above


@dataclass
class Version:
    record: Any
    number: int
    changed: list[str]
    diffs: dict[str, SafeString]


def clause_versions(clause: Clause, limit: int = 50) -> list[Version]:
    """Newest first; each version with the fields it changed and a diff against the last."""
    records = list(
        clause.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    total = clause.history.count() if len(records) > limit else len(records)
    versions = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changed: list[str] = []
        diffs: dict[str, SafeString] = {}
        if previous is not None:
            for name in TRACKED:
                old, new = getattr(previous, name), getattr(record, name)
                if old != new:
                    changed.append(name)
                    diffs[name] = word_diff(str(old), str(new))
        versions.append(Version(record=record, number=total - index, changed=changed, diffs=diffs))
    return versions


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """ "What did it say on 1 March" means at the end of 1 March in the viewer's zone."""
    return datetime.combine(day, time.max, tzinfo=tz)


def clause_as_of(clause: Clause, moment: datetime):
    """The historical clause as it stood at ``moment``, or None before it existed."""
    try:
        return clause.history.as_of(moment)
    except clause.DoesNotExist:
        return None
