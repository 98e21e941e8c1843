"""A small world of two vendors for the security suites (matrix, 500s, fuzzing).

Every kind of vendor-owned object exists once for each vendor, so every route has an
object to ask for. Then every free-text field of vendor A's rows (its own row, its
partners, every row with a ``vendor`` key, their history) is stamped with a canary:
``CANARY`` in what vendor A's partners may read, ``INTERNAL_CANARY`` in what only the
client side may read (vendor notes, contract internal notes, internal comments). A
response to the other vendor's partner that contains either canary is a leak, whatever
the route, format or field; a response to A's own partner with the internal one is too.

Objects are written with the ORM (not through the services, whose signatures move as
the core is refactored), except disputes, whose references only the service makes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection, models
from django.utils import timezone

from actionplans.models import PlanEvent
from actionplans.services import milestone_add, plan_comment, plan_create
from contracts.models import Contract, Document
from disputes.models import DisputeEvent, EventKind
from meetings.models import CalendarFeedToken
from scorecards.models import ServiceCredit
from scorecards.services import scorecard_publish
from tests.contracts.factories import (
    AmendmentFactory,
    ClauseFactory,
    ContractFactory,
    RateCardLineFactory,
    ScopeChangeFactory,
)
from tests.disputes.factories import make_dispute, move
from tests.factories import (
    NotificationFactory,
    VendorContactFactory,
    VendorSiteFactory,
)
from tests.meetings.factories import (
    ActionItemFactory,
    AttendanceFactory,
    MeetingFactory,
    MeetingSeriesFactory,
)
from tests.scorecards.factories import MeasurementFactory, TargetFactory, kpi
from vendorhub.models import EmailOutbox, User, Vendor

CANARY = "CANARYa7q"
INTERNAL_CANARY = "CANARYi3x"

# Free text that drives behaviour (recurrence rules, zones, codes, sort keys) keeps its
# value; everything else a person typed carries the canary.
UNSTAMPED_FIELDS = {
    "rrule",
    "timezone",
    "currency",
    "working_days",
    "password",
    "username",
    "key",
    "sort_key",
    "number",
    "content_type",
    "reference",
    "history_change_reason",
    "object_type",
    "stage",
    "kind",
    "required_roles",
}
# (model label, field) readable by the client side only.
INTERNAL_FIELDS = {("vendorhub.vendor", "notes"), ("contracts.contract", "internal_notes")}

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"% " + CANARY.encode() + b"\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class World:
    vendor_a: Vendor
    vendor_b: Vendor
    manager: User
    executive: User
    partner_a: User
    partner_b: User
    a: dict[str, Any] = field(default_factory=dict)  # vendor A's objects by kind
    b: dict[str, Any] = field(default_factory=dict)  # vendor B's

    def feed_key(self, user: User) -> str:
        """The user's live calendar-feed key (a write test may have replaced it)."""
        token = CalendarFeedToken.objects.live().filter(user=user).first()
        return token.key if token else "no-live-feed"


def build_world(
    *,
    vendor_a: Vendor,
    vendor_b: Vendor,
    manager: User,
    executive: User,
    partner_a: User,
    partner_b: User,
) -> World:
    world = World(vendor_a, vendor_b, manager, executive, partner_a, partner_b)
    world.a = _objects_of(vendor_a, partner=partner_a, manager=manager, tag="A")
    world.b = _objects_of(vendor_b, partner=partner_b, manager=manager, tag="B")
    stamp_canaries(vendor_a)
    for objects in (world.a, world.b):
        for obj in objects.values():
            if isinstance(obj, models.Model):
                obj.refresh_from_db()
    return world


def _objects_of(vendor: Vendor, *, partner: User, manager: User, tag: str) -> dict[str, Any]:
    """One object of every vendor-owned kind, with what its pages need to render."""
    today = timezone.localdate()
    vendor.notes = f"Client-side notes on {vendor.name}"
    vendor.relationship_owner = manager
    vendor.save()
    objects: dict[str, Any] = {
        "site": VendorSiteFactory(vendor=vendor),
        "contact": VendorContactFactory(vendor=vendor),
    }
    contract = ContractFactory(
        vendor=vendor,
        reference=f"MSA-{tag}-001",
        internal_notes="Walk-away price is 0.80 per minute",
        end_date=today + timedelta(days=100),
        owner=manager,
    )
    clause = ClauseFactory(
        contract=contract,
        number="4.2",
        heading="Service level",
        body="80 % of calls answered within 20 seconds, measured monthly.",
        category="service_level",
    )
    amendment = AmendmentFactory(contract=contract, created_by=manager)
    amendment.clauses.add(clause)
    document = Document(
        vendor=vendor,
        contract=contract,
        title="Signed master agreement",
        original_name="msa-signed.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=manager,
    )
    document.file.save(f"world-{tag.lower()}.pdf", ContentFile(PDF_BYTES), save=True)
    objects |= {
        "contract": contract,
        "clause": clause,
        "amendment": amendment,
        "rate_line": RateCardLineFactory(contract=contract),
        "scope_change": ScopeChangeFactory(contract=contract, requested_by=partner),
        "document": document,
    }

    series = MeetingSeriesFactory(vendor=vendor, owner=manager, standing_agenda="Volumes")
    start = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=3)
    meeting = MeetingFactory(
        vendor=vendor, series=series, organiser=manager, start=start, minutes="Agreed hiring"
    )
    objects |= {
        "series": series,
        "meeting": meeting,
        "attendance": AttendanceFactory(meeting=meeting, user=partner, name="", side="vendor"),
        "guest": AttendanceFactory(meeting=meeting, name="Guest from the vendor"),
        "agenda_item": meeting.agenda_items.create(
            vendor=vendor, title="Staffing for the peak", notes="Bring the forecast", position=1
        ),
        "action_item": ActionItemFactory(meeting=meeting, owner=partner, notes="Forecast"),
    }

    dispute = make_dispute(vendor=vendor, by=manager, title="Service level below target")
    move(dispute, manager, "awaiting_vendor")
    objects["dispute"] = dispute
    objects["comment"] = DisputeEvent.objects.create(
        dispute=dispute, vendor=vendor, kind=EventKind.COMMENT, author=partner,
        author_side="vendor", body="We are hiring twelve agents.",
    )  # fmt: skip
    objects["internal_comment"] = DisputeEvent.objects.create(
        dispute=dispute, vendor=vendor, kind=EventKind.COMMENT, author=manager,
        author_side="client", internal=True, body="Consider the service credit.",
    )  # fmt: skip
    evidence = DisputeEvent(
        dispute=dispute, vendor=vendor, kind=EventKind.ATTACHMENT, author=partner,
        author_side="vendor", body="Staffing plan", attachment_name="plan.pdf",
        attachment_size=len(PDF_BYTES),
    )  # fmt: skip
    evidence.attachment.save(f"plan-{tag.lower()}.pdf", ContentFile(PDF_BYTES), save=False)
    evidence.save()
    objects["evidence"] = evidence

    plan = plan_create(
        by=partner, vendor=vendor, title="Six more agents on Mondays", dispute=dispute,
        kpi=kpi("service_level"), target_value=Decimal("80"), root_cause="Forecast gap",
        due_date=today + timedelta(days=30),
    )  # fmt: skip
    objects["plan"] = plan
    objects["milestone"] = milestone_add(
        plan=plan, by=partner, title="Hire six agents", due_date=today + timedelta(days=14)
    )
    plan_comment(plan=plan, by=partner, body="Roster attached")
    plan_evidence = PlanEvent(
        plan=plan, vendor=vendor, kind="evidence", author=partner, author_side="vendor",
        body="Roster", attachment_name="roster.pdf", attachment_size=len(PDF_BYTES),
    )  # fmt: skip
    plan_evidence.attachment.save(f"roster-{tag.lower()}.pdf", ContentFile(PDF_BYTES), save=False)
    plan_evidence.save()
    objects["plan_evidence"] = plan_evidence

    service_level = kpi("service_level")
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    objects["target"] = TargetFactory(vendor=vendor, kpi=service_level, contract=contract)
    objects["measurement"] = MeasurementFactory(
        vendor=vendor, kpi=service_level, period_start=last_month, granularity="month",
        value=75.0, volume=1000, supplied_by="client",
    )  # fmt: skip
    objects["published"] = scorecard_publish(
        vendor=vendor, period_kind="month", period_start=last_month, by=manager
    )
    # Publishing froze the month's service credit of the contract (its lifecycle row).
    objects["credit"] = ServiceCredit.objects.get(contract=contract)
    objects["notification"] = NotificationFactory(
        recipient=partner, vendor=vendor, message="Your scorecard was published", url="/"
    )
    objects["manager_notification"] = NotificationFactory(
        recipient=manager, vendor=vendor, message="A dispute awaits the vendor", url="/"
    )
    objects["feed"] = CalendarFeedToken.objects.create(user=partner)
    # Outbox rows have no vendor key: the canary goes in by hand for vendor A.
    objects["email"] = EmailOutbox.objects.create(
        recipient=partner,
        to_email=partner.email,
        subject=f"{CANARY if tag == 'A' else ''} Your dispute awaits your response",
        body_text="Please respond to the dispute.",
        status="failed",
    )
    objects["today"] = today
    objects["period"] = f"{last_month:%Y-%m}"
    objects["when"] = datetime.combine(today, time(9), tzinfo=UTC)
    objects["amount"] = Decimal("100.00")
    return objects


def stamp_canaries(vendor: Vendor) -> int:
    """Put a canary into every free-text field of every row that belongs to ``vendor``.

    Written with ``UPDATE`` (no save(), no history, no validation), so append-only
    models and history tables are stamped too. Returns the number of columns stamped.
    """
    stamped = 0
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        if model is Vendor:
            rows = model._base_manager.filter(pk=vendor.pk)
        elif _vendor_key(model):
            rows = model._base_manager.filter(vendor_id=vendor.pk)
        else:
            continue
        label = model._meta.label_lower
        for column in _text_fields(model):
            internal = (label, column.name) in INTERNAL_FIELDS
            stamped += _stamp(rows, column, INTERNAL_CANARY if internal else CANARY)
        if label in ("disputes.disputeevent", "disputes.historicaldisputeevent"):
            body = model._meta.get_field("body")
            stamped += _stamp(rows.filter(internal=True), body, INTERNAL_CANARY)
    return stamped


def _vendor_key(model: type[models.Model]) -> bool:
    try:
        key = model._meta.get_field("vendor")
    except Exception:
        return False
    return key.is_relation and key.related_model is Vendor and key.concrete


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if type(f) in (models.CharField, models.TextField)
        and not f.choices
        and f.name not in UNSTAMPED_FIELDS
        and (f.max_length is None or f.max_length >= len(CANARY) + 2)
    ]


def _stamp(rows: models.QuerySet, column: models.Field, canary: str) -> int:
    from django.db.models import Value
    from django.db.models.functions import Concat, Left

    value = Concat(Value(f"{canary} "), column.name, output_field=column)
    if column.max_length:
        value = Left(value, column.max_length)
    return min(1, rows.update(**{column.name: value}))


# --- The state a refused request must not change ---------------------------------------
def owned_tables() -> list[str]:
    """Every table a request could change on behalf of a vendor: vendor-owned rows,
    vendors, users, tokens, the outbox, their history and many-to-many tables."""
    from vendorhub.models import ApiToken

    always = {Vendor, User, Contract, ApiToken, CalendarFeedToken, EmailOutbox}
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        source = getattr(model, "instance_type", None)  # a simple-history model's model
        if model in always or source in always or _vendor_key(model):
            tables.add(model._meta.db_table)
            tables.update(
                f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many
            )
    return sorted(tables)


def database_fingerprint(tables: list[str]) -> dict[str, str]:
    """Row count and a hash of every row of ``tables`` (one query on PostgreSQL)."""
    quote = connection.ops.quote_name
    if connection.vendor != "postgresql":  # the no-setup SQLite fallback
        with connection.cursor() as cursor:
            found = {}
            for table in tables:
                cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (model tables)
                rows = sorted(map(repr, cursor.fetchall()))
                found[table] = f"{len(rows)}:{hash(tuple(rows))}"
            return found
    parts = [
        # Table names come from model metadata, never from input.
        f"SELECT '{table}', count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' "  # noqa: S608
        f"ORDER BY x::text)), '') FROM {quote(table)} x"
        for table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def write_counters(tables: list[str]) -> dict[str, str]:
    """How many rows of each table this transaction has written so far (PostgreSQL).

    Cheaper than a fingerprint and stricter: a write that a savepoint later rolled back
    counts too, and so does an UPDATE that rewrote the same values. The matrix runs in
    one transaction, so every request's writes show here. Elsewhere (SQLite) it falls
    back to the fingerprint.
    """
    if connection.vendor != "postgresql":
        return database_fingerprint(tables)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE relname = ANY(%s)",
            [tables],
        )
        return {table: str(count) for table, count in cursor.fetchall()}


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))


# --- API paths ----------------------------------------------------------------------------
# The object of vendor A each API collection's ``{id}`` / ``{slug}`` / ``{code}`` names.
API_OBJECTS = {
    "vendors": lambda w: w.vendor_a.slug,
    "notifications": lambda w: w.a["notification"].pk,
    "contracts": lambda w: w.a["contract"].pk,
    "clauses": lambda w: w.a["clause"].pk,
    "scope-changes": lambda w: w.a["scope_change"].pk,
    "meeting-series": lambda w: w.a["series"].pk,
    "meetings": lambda w: w.a["meeting"].pk,
    "action-items": lambda w: w.a["action_item"].pk,
    "disputes": lambda w: w.a["dispute"].pk,
    "action-plans": lambda w: w.a["plan"].pk,
    "kpis": lambda w: "service_level",
    "targets": lambda w: w.a["target"].pk,
    "measurements": lambda w: w.a["measurement"].pk,
    "credits": lambda w: w.a["credit"].pk,
}


def api_path(world: World, template: str) -> str:
    """``/api/v1/disputes/{id}/comments/`` → the path of vendor A's dispute's comments."""
    import re

    collection = template.removeprefix("/api/v1/").split("/")[0]
    if "{" not in template:
        return template
    if collection not in API_OBJECTS:
        raise KeyError(f"tests/security/world.py API_OBJECTS has no object for {template}")
    return re.sub(r"\{[^}]+\}", str(API_OBJECTS[collection](world)), template)


def openapi_schema() -> dict:
    """The schema ``/api/v1/schema/`` serves, generated in-process."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")


def api_operations(schema: dict) -> list[tuple[str, str, dict]]:
    """Every (path template, METHOD, operation) of the schema."""
    return [
        (path, method.upper(), operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]
