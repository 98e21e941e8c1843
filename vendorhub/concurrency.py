"""Optimistic concurrency: a write names the version it was based on, or it is refused.

Two people editing the same row must never silently overwrite each other (SPEC §5).
A versioned model has a ``version`` column bumped by every write. A writer sends the
version it last read (a form's hidden field, the API's ``version`` or ``If-Match``);
the write is one conditional ``UPDATE … WHERE version = v``, so of two writers who read
the same version exactly one wins and the other gets a ``Conflict``.

These exceptions are plain Python so services raise them whoever calls: pages show
them next to the form, the API maps them to 428 and 409 (``vendorhub.api_errors``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone


class Conflict(Exception):
    """Someone else changed the row since the writer read it (HTTP 409)."""

    default_message = (
        "Someone else changed this in the meantime. Reload it to see their change, then try again."
    )

    def __init__(self, message: str | None = None, *, current_version: int | None = None):
        self.current_version = current_version
        super().__init__(message or self.default_message)


class PreconditionRequired(Exception):
    """The write did not say which version it was based on (HTTP 428)."""

    default_message = (
        "Send the version you last read (the “version” field, or an If-Match header with "
        "the ETag), so that a change made meanwhile by someone else is not overwritten."
    )

    def __init__(self, message: str | None = None, *, current_version: int | None = None):
        self.current_version = current_version
        super().__init__(message or self.default_message)


def require_version(*, current: int, expected: int | None) -> int:
    """``expected`` if it is the row's ``current`` version; else 428 (none) or 409 (stale).

    The check before a write; the conditional ``UPDATE`` of ``versioned_update`` is what
    makes it hold under concurrency.
    """
    if expected is None:
        raise PreconditionRequired(current_version=current)
    if expected != current:
        raise Conflict(current_version=current)
    return expected


def versioned_update[M: models.Model](
    instance: M, *, expected_version: int, conflict: type[Conflict] = Conflict, **changes: Any
) -> M:
    """Write ``changes`` to ``instance``'s row only if its version is still
    ``expected_version``, bumping it; else raise ``conflict`` and write nothing.

    The row lock taken by the ``UPDATE`` is held until the transaction ends; the
    instance is then saved with the same values so that django-simple-history (which
    sees ``save()``, not queryset updates) records the change and its author.
    """
    model = type(instance)
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        changes.setdefault("updated_at", timezone.now())
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **changes
    )
    if not updated:
        current = (
            model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        )
        raise conflict(current_version=current)
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.version = expected_version + 1
    instance.save(update_fields=[*changes, "version"])
    return instance
