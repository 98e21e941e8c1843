"""What every dispute write shares: the conflict error, the writer rule, timeline events,
who is told, and the conditional (optimistic) update."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from vendorhub.access import require_acts_for_vendor
from vendorhub.concurrency import Conflict, PreconditionRequired, versioned_update
from vendorhub.models import Role, User
from vendorhub.notifications import notify
from vendorhub.uploads import EVIDENCE_TYPES, CheckedUpload, upload_check

from ..models import (
    Dispute,
    DisputeEvent,
    DisputeSequence,
    Side,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile


class DisputeConflict(Conflict):
    """Someone else changed the dispute since it was loaded; reload and try again."""

    default_message = (
        "Someone else changed this dispute in the meantime. "
        "Reload it to see their change, then try again."
    )


# --- helpers ----------------------------------------------------------------------------
def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _side(user: User) -> str:
    return Side.VENDOR if user.is_partner else Side.CLIENT


def require_dispute_writer(user: User, dispute_vendor_id: int) -> None:
    """Managers act on every dispute; partners on their own vendor's; others read only."""
    require_acts_for_vendor(
        user, dispute_vendor_id, "Your role may read disputes but not change them."
    )


def _next_reference(year: int) -> str:
    """``DSP-<year>-<seq>``; the UPDATE takes the row lock, so numbers are never reused.

    The increment happens in SQL before the value is read back, inside the caller's
    transaction: concurrent creators queue on the row (PostgreSQL) or the database
    write lock (SQLite) instead of reading the same number.
    """
    for _attempt in range(3):
        if DisputeSequence.objects.filter(year=year).update(last=F("last") + 1):
            seq = DisputeSequence.objects.filter(year=year).values_list("last", flat=True)[0]
            return f"DSP-{year}-{seq:04d}"
        try:
            with transaction.atomic():
                DisputeSequence.objects.create(year=year, last=1)
            return f"DSP-{year}-0001"
        except IntegrityError:
            continue  # another creator made the row first: increment it instead
    raise DisputeConflict()


def _event(
    dispute: Dispute,
    *,
    kind: str,
    by: User | None,
    body: str = "",
    internal: bool = False,
    from_status: str = "",
    to_status: str = "",
    now: datetime | None = None,
    evidence: CheckedUpload | None = None,
) -> DisputeEvent:
    event = DisputeEvent(
        dispute=dispute,
        vendor_id=dispute.vendor_id,
        kind=kind,
        author=by,
        author_side=_side(by) if by else "",
        internal=internal,
        body=body,
        from_status=from_status,
        to_status=to_status,
        created_at=_now(now),
    )
    if evidence is not None:
        # The checked bytes get a random name on disk and keep the type detected from
        # their content; the user's file name is kept, sanitised, for display only.
        event.attachment_name = evidence.name
        event.attachment_size = evidence.size
        event.attachment_content_type = evidence.content_type
        event.attachment.save(evidence.storage_name(), ContentFile(evidence.content), save=False)
    event.save()
    return event


def _partners_to_tell(dispute: Dispute) -> list[User]:
    """The vendor's assignee if there is one, otherwise everyone at the vendor."""
    if dispute.vendor_assignee_id and dispute.vendor_assignee.is_active:
        return [dispute.vendor_assignee]
    return list(User.objects.filter(role=Role.PARTNER, vendor_id=dispute.vendor_id, is_active=True))


def _client_people_to_tell(dispute: Dispute) -> list[User]:
    """The dispute's owner, else the vendor's relationship owner, else every manager."""
    if dispute.owner_id:
        return [dispute.owner]
    if dispute.vendor.relationship_owner_id:
        return [dispute.vendor.relationship_owner]
    return list(User.objects.filter(role=Role.MANAGER, is_active=True))


def _tell(
    dispute: Dispute,
    *,
    kind: str,
    message: str,
    by: User | None,
    client: bool = True,
    vendor: bool = True,
) -> None:
    """Notify the people concerned, except the actor; never with internal content.

    Called inside the service's transaction, like every app's notifications: the change
    and its notifications commit together (a crash between them loses neither alone).
    """
    recipients: list[User] = []
    if client:
        recipients += _client_people_to_tell(dispute)
    if vendor:
        recipients += _partners_to_tell(dispute)
    if by is not None:
        recipients = [u for u in recipients if u.pk != by.pk]
    notify(
        recipients=recipients,
        kind=kind,
        message=message,
        url=dispute.get_absolute_url(),
        vendor=dispute.vendor,
    )


def _expected_version(dispute: Dispute, expected_version: int | None, *, required: bool) -> int:
    """The version a write is based on: the caller's; else, for callers inside the
    product (demo, sweeps, tests), the one loaded. ``required`` callers (the API) must
    name one: checked after who-may-do-what, so a refused role still hears 403."""
    if expected_version is not None:
        return expected_version
    if required:
        raise PreconditionRequired(current_version=dispute.version)
    return dispute.version


def _conditional_update(dispute: Dispute, expected_version: int, **changes: Any) -> None:
    """Write ``changes`` only if nobody bumped the version since ``expected_version``."""
    versioned_update(
        dispute, expected_version=expected_version, conflict=DisputeConflict, **changes
    )


def evidence_check(*, upload: UploadedFile) -> CheckedUpload:
    """Evidence passes the product's one upload check (``vendorhub.uploads``): PDF,
    Word, Excel, PNG/JPEG screenshots (re-encoded), plain text or CSV, by content.
    Errors are reported on the ``attachment`` field."""
    try:
        return upload_check(uploaded_file=upload, allowed=EVIDENCE_TYPES)
    except ValidationError as exc:
        raise ValidationError({"attachment": exc.messages}) from exc
