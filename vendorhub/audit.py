"""The audit trail: who changed what, and when.

Every domain model registers ``history = HistoricalRecords()`` (django-simple-history):
each save writes a full snapshot row with the user from the request (its middleware),
so nothing a user records is silently lost and any past state can be shown. This
module turns those snapshots into readable change lists for pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    when: datetime
    who: Any
    action: str
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)


def recent_changes(obj: models.Model, limit: int = 10) -> list[Change]:
    """The last ``limit`` changes of ``obj``, newest first, with old and new values.

    One query: the ``limit + 1`` newest snapshots; diffs are computed in memory.
    """
    records = list(
        obj.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    opts = obj._meta
    changes = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        entry = Change(
            when=record.history_date, who=record.history_user, action=ACTIONS[record.history_type]
        )
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                if change.field in {"updated_at"}:
                    continue
                label = opts.get_field(change.field).verbose_name
                entry.fields.append((str(label), change.old, change.new))
            if not entry.fields:
                continue
        changes.append(entry)
    return changes
