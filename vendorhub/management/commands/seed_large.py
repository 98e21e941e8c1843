"""``python manage.py seed_large``: the benchmark data set of SPEC section 5.

About 200 vendors, 1,000 contracts, 40,000 clauses, 200,000 disputes with 1,000,000
timeline events, 60,000 meetings with attendance and 2,000,000 daily KPI measurements,
plus the users ``bench.manager``, ``bench.exec`` and ``bench.partner.<n>``.

Why it is written the way it is:

- It must load millions of rows in minutes on two cores, so rows are plain dicts (tuples
  for the 2M measurements) streamed with PostgreSQL ``COPY`` in batches
  (``vendorhub.bulk_copy``; ``bulk_create`` was 5× slower for the same rows), and the
  derived columns (dispute references and clocks, contract notice deadlines, clause sort
  keys and search vectors, ratio KPI counts) are computed here rather than by the
  services. COPY sends no signals, so no django-simple-history rows are written: that is
  intended, the benchmark measures reads.
- It must be memory-bounded, so rows are generated per vendor (or per batch) and
  flushed as soon as a batch is full; nothing holds millions of objects at once.
- It must never touch anything else, so everything it creates is recognisable (vendor
  slugs ``bench-…``, usernames ``bench.…``) and ``--reset`` deletes exactly that.
"""

from __future__ import annotations

import math
import random
import time as clock
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

from contracts.models import Clause, Contract, clause_sort_key
from disputes.clocks import sla_days
from disputes.models import (
    Dispute,
    DisputeEvent,
    DisputeSequence,
    EventKind,
    Outcome,
    Side,
    Status,
)
from meetings.models import ActionItem, Attendance, Meeting
from scorecards.library import ensure_kpi_library
from scorecards.models import KPI, Aggregation, Measurement, Source, SuppliedBy, Target
from vendorhub.bulk_copy import COPY_SECONDS, TableLoader, bulk_load
from vendorhub.models import Role, User, Vendor

BENCH_PASSWORD = "vendorhub-bench"  # noqa: S105 - benchmark data only, printed by the command
SLUG_PREFIX = "bench-"
USERNAME_PREFIX = "bench."
BATCH = 10_000

# Full-scale totals (SPEC section 5). ``--scale`` multiplies each of them.
TOTALS = {
    "vendors": 200,
    "contracts": 1_000,
    "clauses": 40_000,
    "disputes": 200_000,
    "events": 1_000_000,
    "meetings": 60_000,
    "measurements": 2_000_000,
}


# --- Vocabulary: enough variety that lists, search and dashboards look real ---------------
NAME_FIRST = [
    "Atlas", "Nordlicht", "Andes", "Meridian", "Coral", "Summit", "Harbor", "Cedar",
    "Lumen", "Orbit", "Pioneer", "Vista", "Beacon", "Kestrel", "Tundra", "Sahara",
]  # fmt: skip
NAME_SECOND = ["Contact", "CX", "Support", "Connect", "Care", "Voice", "Service", "Response"]
ZONES = [
    ("PH", "Asia/Manila"), ("PT", "Europe/Lisbon"), ("CO", "America/Bogota"),
    ("IN", "Asia/Kolkata"), ("ZA", "Africa/Johannesburg"), ("PL", "Europe/Warsaw"),
    ("MX", "America/Mexico_City"), ("EG", "Africa/Cairo"), ("MA", "Africa/Casablanca"),
    ("RO", "Europe/Bucharest"), ("MY", "Asia/Kuala_Lumpur"), ("GB", "Europe/London"),
]  # fmt: skip
SERVICE_SETS = [["voice", "email"], ["voice", "email", "chat"], ["chat", "email"], ["voice"],
                ["voice", "back_office"], ["email", "back_office", "chat"]]  # fmt: skip
VENDOR_STATUSES = ["active"] * 14 + ["probation"] * 2 + ["onboarding", "exiting", "inactive"]
PRICING = ["per_contact", "per_minute", "per_fte_hour", "fixed_fee", "outcome_based", "hybrid"]
CURRENCIES = ["EUR", "EUR", "EUR", "USD", "GBP"]

# (category, party, heading, body) — the body takes {vendor}, {n} and {pct}.
CLAUSE_TEMPLATES = [
    ("scope", "vendor", "Services",
     "{vendor} shall provide inbound customer service by voice, e-mail and chat for the "
     "Client's consumer customers from the delivery sites listed in Schedule {n}."),
    ("scope", "both", "Out of scope work",
     "Work not described in this SOW (new channels, new languages, outbound campaigns) is "
     "out of scope and requires an approved scope change with an agreed price impact."),
    ("service_level", "vendor", "Service level (voice)",
     "{vendor} shall answer {pct} % of offered calls within 20 seconds, measured per "
     "calendar month across all queues; abandoned calls under 5 seconds are excluded."),
    ("service_level", "vendor", "Service level (e-mail)",
     "E-mails shall receive a first response within {n} business hours in {pct} % of "
     "cases; auto-replies do not count as a response."),
    ("kpi", "vendor", "First-contact resolution",
     "The vendor shall resolve at least {pct} % of contacts on first contact, measured by "
     "the absence of a repeat contact about the same issue within 7 days."),
    ("kpi", "vendor", "Customer satisfaction",
     "CSAT shall be at least {pct} % satisfied responses (4 or 5 of 5) per month, "
     "surveyed on a random sample of at least {n}00 contacts."),
    ("penalty", "vendor", "Service credits",
     "Where a KPI misses its threshold in a month, a service credit of {n} % of the "
     "monthly fee applies per KPI, capped at {pct} % of the monthly fee in total."),
    ("penalty", "vendor", "Persistent failure",
     "Three consecutive months below threshold on the service level constitute a "
     "persistent failure and entitle the Client to terminate under clause {n}.2 without "
     "penalty."),
    ("pricing", "client", "Rates",
     "The Client shall pay the rates in Schedule {n}; volume above {pct},000 contacts per "
     "month is billed at the discounted band rate."),
    ("pricing", "both", "Invoicing",
     "Invoices are issued monthly in arrears with the contact counts per queue; disputed "
     "lines are paid when agreed and do not delay the undisputed amount."),
    ("termination", "both", "Termination for convenience",
     "Either party may terminate for convenience with {n}0 days' written notice; exit "
     "assistance of up to 90 days shall be provided at the rates then in force."),
    ("termination", "both", "Termination for cause",
     "Either party may terminate immediately on a material breach not remedied within "
     "{n}0 days of written notice describing the breach."),
    ("governance", "both", "Governance meetings",
     "The parties meet weekly for operations, monthly for a performance review and "
     "quarterly for a business review with the account director present."),
    ("communication", "both", "Change notice",
     "The Client shall give {n} business days' notice of product launches expected to "
     "change contact volumes by more than {pct} %."),
    ("data_protection", "vendor", "Data protection",
     "The vendor processes personal data only on documented instructions, blocks "
     "personal e-mail and removable media on agent desktops and reports breaches within "
     "{n} hours."),
    ("other", "both", "Business continuity",
     "The vendor maintains a tested continuity plan so that {pct} % of seats can be "
     "restored within {n} hours at an alternate site."),
]  # fmt: skip

DISPUTE_TITLES = {
    "underperformance": [
        "Service level {a} % against {b} % target",
        "Average handle time up {a} % in week {w}",
        "Abandonment rate {a} % on the Monday peak",
        "CSAT down to {a} % after the product launch",
        "First-contact resolution {a} % below target for week {w}",
    ],
    "breach": [
        "Weekend chat queue left unstaffed in week {w}",
        "Customer data sent to a personal mailbox",
        "Agents handled calls before completing training",
        "Quality calibration sessions skipped in week {w}",
    ],
    "pricing": [
        "Invoice bills transfers as new contacts",
        "Overtime surcharge on {a} FTE hours not approved",
        "Per-minute pricing rewards long calls (AHT +{a} %)",
        "Training hours billed twice in week {w}",
    ],
    "miscommunication": [
        "Product change not discussed before go-live",
        "Quarterly review missed without notice",
        "Forecast change not shared with workforce planning",
        "Escalation path unclear for priority customers",
    ],
}
COMMENTS_SHARED = [
    "Please share the interval data for the affected days.",
    "Root cause analysis attached; staffing gap on the late shift confirmed.",
    "We agree with the figures and propose a recovery plan by Friday.",
    "Week-on-week the numbers are back above target; monitoring continues.",
    "Calibration session held; both sides agreed on the sample.",
    "The corrective actions are on track; next update in the weekly ops call.",
]
COMMENTS_INTERNAL = [
    "Legal confirms service credits apply from the threshold.",
    "Second time this quarter: raise at the QBR.",
    "Finance is holding the disputed invoice lines.",
    "Consider probation if this repeats next month.",
]
MINUTES = [
    "Reviewed service level and AHT; staffing gap on the late shift discussed.",
    "QA calibration results reviewed; two teams to be re-trained on refunds.",
    "Repeat-contact rate discussed: root cause in the order-status IVR.",
    "Campaign peak forecast agreed; vendor confirmed extra agents from the 1st.",
]
ACTIONS = [
    ("Share the revised late-shift roster", "vendor"),
    ("Send a QA calibration sample of 20 calls", "vendor"),
    ("Provide order-status API credentials", "client"),
    ("Confirm campaign volumes for next month", "client"),
]
MEETING_KINDS = [("weekly_ops", "Weekly operations", 45)] * 7 + [
    ("monthly_review", "Monthly performance review", 60),
    ("qbr", "Quarterly business review", 120),
    ("escalation", "Escalation call", 30),
    ("ad_hoc", "Ad hoc alignment", 30),
]

# KPI plan: code -> (bad value, good value, target, red line, weight, daily volume)
KPI_PLAN: dict[str, tuple[float, float, float, float, int, int]] = {
    "service_level": (55, 92, 80, 70, 30, 1600),
    "asa": (95, 15, 30, 60, 10, 1400),
    "aht": (480, 300, 360, 420, 10, 1400),
    "fcr": (55, 82, 72, 65, 20, 900),
    "csat": (66, 94, 85, 78, 15, 240),
    "abandonment_rate": (14, 2, 5, 8, 15, 1600),
    "repeat_contact_rate": (22, 8, 12, 16, 10, 900),
    "qa_score": (70, 95, 85, 80, 10, 60),
}
CORE_KPIS = ["service_level", "asa", "aht", "fcr", "csat", "abandonment_rate"]
EXTRA_KPIS = ["repeat_contact_rate", "qa_score"]


def spread(total: int, parts: int, index: int) -> int:
    """Share ``index`` of ``total`` split into ``parts`` nearly equal integers."""
    return total // parts + (1 if index < total % parts else 0)


def batched[T](items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


#: The columns of a measurement row as ``vendor_measurements`` yields it (source and
#: supplied-by are the same for every row, so they come from ``MEASUREMENT_CONSTANTS``).
MEASUREMENT_COLUMNS = (
    "vendor_id", "kpi_id", "period_start", "granularity", "value", "volume", "numerator",
    "denominator", "source", "supplied_by",
)  # fmt: skip
OUTCOMES = list(Outcome.values)
MEASUREMENT_CONSTANTS = (str(Source.IMPORT.value), str(SuppliedBy.VENDOR.value))


class Row(dict):
    """A row to be written, read like a model instance (``row.status``, ``row.pk``).

    A missing column reads as ``None``, like an unset nullable field; the loader fills
    in the field defaults when it writes the row.
    """

    def __getattr__(self, name: str) -> Any:
        return self.get("id" if name == "pk" else name)

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value


def as_row(instance: models.Model) -> Row:
    """A model instance built for its methods (``compute_notice_deadline``) as a Row."""
    return Row(
        (f.attname, getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if not f.primary_key and getattr(instance, f.attname) is not None
    )


@dataclass
class VendorInfo:
    """What later steps need of a vendor, kept as plain values (no ORM objects)."""

    pk: int
    index: int
    name: str
    partner_id: int
    quality: Callable[[float], float]
    contract_ids: list[int] = field(default_factory=list)
    clause_ids: dict[int, list[int]] = field(default_factory=dict)
    kpi_codes: list[str] = field(default_factory=list)


class Command(BaseCommand):
    help = (
        "Load the benchmark data set (SPEC section 5): ~200 vendors, 200k disputes, "
        "1M dispute events, 2M KPI measurements. Refuses if it is already loaded "
        "unless --reset."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every count (0.01 = 1 %%)."
        )
        parser.add_argument("--seed", type=int, default=20260101, help="Random seed.")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete what seed_large created before (and only that), then seed again.",
        )

    # --- orchestration -------------------------------------------------------------
    def handle(self, *args: Any, **options: Any) -> None:
        scale: float = options["scale"]
        if not 0 < scale <= 10:
            raise CommandError("--scale must be more than 0 and at most 10.")
        self.rng = random.Random(options["seed"])
        self.now = timezone.now().replace(microsecond=0)
        self.today = self.now.date()
        self.counts = {name: max(1, round(total * scale)) for name, total in TOTALS.items()}
        self.counts["vendors"] = min(self.counts["vendors"], self.counts["contracts"])
        self.created: dict[str, int] = {}
        self.verbose = options.get("verbosity", 1) >= 1

        if already_seeded():
            if not options["reset"]:
                raise CommandError(
                    "This database already holds seed_large data (vendors 'bench-…', users "
                    "'bench.…'). Run with --reset to delete it and seed again."
                )
            self.step("reset: delete previous seed_large data", reset_bench_data)

        started = clock.perf_counter()
        self.log(
            f"Seeding at scale {scale:g}: "
            + ", ".join(f"{k} {v:,}" for k, v in self.counts.items())
        )
        self.step("KPI library", ensure_kpi_library)
        self.step("users and vendors", self.seed_vendors_and_users)
        self.step("contracts", self.seed_contracts)
        self.step("clauses", self.seed_clauses)
        self.step("clause search vectors", self.update_search_vectors)
        # The big tables load without their plain indexes, rebuilt once at the end.
        self.step(
            "KPI targets and measurements",
            self.rebuilding(self.seed_measurements, Measurement),
        )
        self.step(
            "disputes and timeline events",
            self.rebuilding(self.seed_disputes, Dispute, DisputeEvent),
        )
        self.step(
            "meetings, attendance and action items",
            self.rebuilding(self.seed_meetings, Meeting, Attendance, ActionItem),
        )
        self.step("ANALYZE", analyze)
        total = clock.perf_counter() - started
        if options.get("verbosity", 1) >= 2:
            for table, seconds in sorted(COPY_SECONDS.items(), key=lambda item: -item[1]):
                self.log(f"  COPY {table}: {seconds:.1f} s")
        self.log(
            self.style.SUCCESS(
                f"Done in {total:.1f} s: "
                + ", ".join(f"{k} {v:,}" for k, v in self.created.items())
            )
        )
        self.log(
            f"Log in with password “{BENCH_PASSWORD}” as bench.manager, bench.exec or "
            "bench.partner.1 … bench.partner."
            f"{self.counts['vendors']}."
        )

    def log(self, message: str) -> None:
        if self.verbose:
            self.stdout.write(message)
            self.stdout.flush()

    def rebuilding(self, func: Callable[[], Any], *tables: type[models.Model]) -> Callable[[], Any]:
        def run() -> None:
            with bulk_load(*tables):
                func()

        return run

    def step(self, label: str, func: Callable[[], Any]) -> None:
        self.log(f"→ {label} …")
        started = clock.perf_counter()
        func()
        self.log(f"  {label}: {clock.perf_counter() - started:.1f} s")

    def insert(
        self,
        model: type[models.Model],
        rows: list[Any],
        *,
        ids: bool = False,
        columns: tuple[str, ...] | None = None,
    ) -> list[Any]:
        """One batch through ``COPY`` (``vendorhub.bulk_copy``); counted for the summary.

        Rows are ``Row`` dicts (or model instances, converted), or tuples in the order of
        ``columns``. With ``ids`` each row gets its primary key before it is written.
        """
        if not rows:
            return rows
        rows = [as_row(row) if isinstance(row, models.Model) else row for row in rows]
        loader = TableLoader(model, now=self.now, columns=columns, want_ids=ids, batch=len(rows))
        if ids:
            loader.preload_ids(len(rows))
        loader.extend(rows)
        loader.flush()
        key = model._meta.verbose_name_plural
        self.created[key] = self.created.get(key, 0) + len(rows)
        return rows

    # --- users and vendors ---------------------------------------------------------
    def seed_vendors_and_users(self) -> None:
        # One hash for every bench user: hashing 200 passwords one by one would take a
        # minute on purpose-slow hashers, and these accounts only exist for benchmarks.
        hashed = make_password(BENCH_PASSWORD)
        manager, executive = self.insert(
            User,
            [
                Row(
                    username="bench.manager",
                    first_name="Bianca",
                    last_name="Manager",
                    email="bench.manager@client.example",
                    role=Role.MANAGER,
                    timezone="Europe/Berlin",
                    job_title="Vendor manager",
                    password=hashed,
                ),
                Row(
                    username="bench.exec",
                    first_name="Eli",
                    last_name="Executive",
                    email="bench.exec@client.example",
                    role=Role.EXECUTIVE,
                    timezone="Europe/Berlin",
                    job_title="COO",
                    password=hashed,
                ),
            ],
            ids=True,
        )
        self.manager_id, self.executive_id = manager.pk, executive.pk
        vendors = []
        for i in range(1, self.counts["vendors"] + 1):
            country, zone = self.rng.choice(ZONES)
            first = NAME_FIRST[(i - 1) % len(NAME_FIRST)]
            second = NAME_SECOND[((i - 1) // len(NAME_FIRST)) % len(NAME_SECOND)]
            start_hour = self.rng.choice([7, 8, 9])
            vendors.append(
                Row(
                    name=f"{first} {second} {i:03d}",
                    slug=f"{SLUG_PREFIX}{i:03d}",
                    country=country,
                    timezone=zone,
                    working_hours_start=time(start_hour, 0),
                    working_hours_end=time(start_hour + 9, 0),
                    working_days=self.rng.choice(["12345", "12345", "123456"]),
                    status=self.rng.choice(VENDOR_STATUSES),
                    services=self.rng.choice(SERVICE_SETS),
                    relationship_owner_id=manager.pk,
                    website=f"https://{SLUG_PREFIX}{i:03d}.example",
                    notes="Benchmark vendor (seed_large).",
                )
            )
        self.insert(Vendor, vendors, ids=True)
        partners = self.insert(
            User,
            [
                Row(
                    username=f"bench.partner.{i}",
                    first_name="Pat",
                    last_name=f"Partner {i}",
                    email=f"bench.partner.{i}@{vendor.slug}.example",
                    role=Role.PARTNER,
                    vendor_id=vendor.pk,
                    timezone=vendor.timezone,
                    job_title="Operations lead",
                    password=hashed,
                )
                for i, vendor in enumerate(vendors, start=1)
            ],
            ids=True,
        )
        self.vendors: list[VendorInfo] = []
        for i, (vendor, partner) in enumerate(zip(vendors, partners, strict=True)):
            self.vendors.append(
                VendorInfo(
                    pk=vendor.pk,
                    index=i,
                    name=vendor.name,
                    partner_id=partner.pk,
                    quality=self.quality_curve(),
                )
            )

    def quality_curve(self) -> Callable[[float], float]:
        """A vendor's performance over time (0 bad … 1 good): steady, declining,
        improving or seasonal, so the dashboard shows every colour and trend."""
        base = self.rng.uniform(0.35, 0.9)
        kind = self.rng.choice(["steady", "steady", "declining", "improving", "seasonal"])
        if kind == "declining":
            return lambda t: base + 0.15 - 0.5 * t
        if kind == "improving":
            return lambda t: base - 0.3 + 0.45 * t
        if kind == "seasonal":
            return lambda t: base + 0.12 * math.sin(t * 25)
        return lambda t: base

    # --- contracts and clauses -----------------------------------------------------
    def seed_contracts(self) -> None:
        rows = []
        total = self.counts["contracts"]
        for info in self.vendors:
            for k in range(spread(total, len(self.vendors), info.index)):
                effective = self.today - timedelta(days=self.rng.randint(200, 2500))
                status = self.rng.choices(
                    ["active", "expired", "draft", "terminated"], weights=[70, 18, 6, 6]
                )[0]
                if status == "active":
                    end = self.today + timedelta(days=self.rng.randint(20, 900))
                else:
                    # Finished contracts ended between their start and yesterday.
                    lived = (self.today - effective).days - 1
                    end = effective + timedelta(days=self.rng.randint(lived // 2, lived))
                notice_days = self.rng.choice([60, 90, 90, 120, 180])
                contract = Contract(
                    vendor_id=info.pk,
                    reference=f"BENCH-{info.index + 1:03d}-{k + 1:02d}",
                    title=self.rng.choice(
                        [
                            "Master services agreement",
                            "SOW customer care",
                            "SOW back office",
                            "SOW chat and e-mail",
                            "SOW technical support",
                        ]
                    ),
                    status=status,
                    effective_date=effective,
                    end_date=end,
                    auto_renewal=self.rng.random() < 0.4,
                    renewal_notice_days=notice_days,
                    termination_notice_days=90,
                    pricing_model=self.rng.choice(PRICING),
                    currency=self.rng.choice(CURRENCIES),
                    monthly_fee=Decimal(self.rng.randrange(40_000, 900_000, 500)),
                    service_credit_at_risk_percent=Decimal(self.rng.choice([5, 8, 10, 12])),
                    service_credit_cap_percent=Decimal(self.rng.choice([10, 12, 15])),
                    service_credit_allocation={"service_level": 50, "fcr": 25, "csat": 25},
                    owner_id=self.manager_id,
                )
                contract.notice_deadline = contract.compute_notice_deadline()
                rows.append(contract)
        rows = self.insert(Contract, rows, ids=True)
        for contract in rows:
            self.vendors_by_pk()[contract.vendor_id].contract_ids.append(contract.pk)

    def vendors_by_pk(self) -> dict[int, VendorInfo]:
        if not hasattr(self, "_by_pk"):
            self._by_pk = {info.pk: info for info in self.vendors}
        return self._by_pk

    def seed_clauses(self) -> None:
        contracts = [(info, cid) for info in self.vendors for cid in info.contract_ids]
        total = self.counts["clauses"]
        pending: list[Clause] = []
        for index, (info, contract_id) in enumerate(contracts):
            count = spread(total, len(contracts), index)
            for k in range(count):
                category, party, heading, body = CLAUSE_TEMPLATES[k % len(CLAUSE_TEMPLATES)]
                section, sub = k // 4 + 1, k % 4 + 1
                number = f"{section}.{sub}"
                pending.append(
                    Row(
                        vendor_id=info.pk,
                        contract_id=contract_id,
                        number=number,
                        sort_key=clause_sort_key(number),
                        heading=heading if k < len(CLAUSE_TEMPLATES) else f"{heading} ({section})",
                        body=body.format(
                            vendor=info.name,
                            n=self.rng.randint(2, 9),
                            pct=self.rng.choice([70, 75, 80, 85, 90]),
                        ),
                        category=category,
                        obligated_party=party,
                    )
                )
            if len(pending) >= BATCH or index == len(contracts) - 1:
                for clause in self.insert(Clause, pending, ids=True):
                    info_for = self.vendors_by_pk()[clause.vendor_id]
                    info_for.clause_ids.setdefault(clause.contract_id, []).append(clause.pk)
                pending = []

    def update_search_vectors(self) -> None:
        """One UPDATE for every bench clause, with the expression of
        ``contracts.services.clause_update_search_vector`` (SQLite searches with LIKE)."""
        if connection.vendor != "postgresql":
            self.log("  (skipped: not PostgreSQL)")
            return
        from django.contrib.postgres.search import SearchVector

        from contracts.services import SEARCH_CONFIG

        vector = (
            SearchVector("number", weight="A", config=SEARCH_CONFIG)
            + SearchVector("heading", weight="A", config=SEARCH_CONFIG)
            + SearchVector("body", weight="B", config=SEARCH_CONFIG)
        )
        Clause.objects.filter(vendor_id__in=[v.pk for v in self.vendors]).update(
            search_vector=vector
        )

    # --- scorecards ----------------------------------------------------------------
    def seed_measurements(self) -> None:
        kpis = {k.code: k for k in KPI.objects.filter(code__in=KPI_PLAN)}
        total = self.counts["measurements"]
        targets: list[Row] = []
        pending: list[tuple[Any, ...]] = []
        for info in self.vendors:
            extra = self.rng.sample(EXTRA_KPIS, self.rng.randint(0, len(EXTRA_KPIS)))
            info.kpi_codes = CORE_KPIS + extra
            budget = spread(total, len(self.vendors), info.index)
            days = max(1, budget // len(info.kpi_codes))
            first_day = self.today - timedelta(days=days)
            for code in info.kpi_codes:
                _bad, _good, target, red_line, weight, _volume = KPI_PLAN[code]
                targets.append(
                    Row(
                        vendor_id=info.pk,
                        kpi_id=kpis[code].pk,
                        contract_id=info.contract_ids[0] if info.contract_ids else None,
                        target=target,
                        threshold=red_line,
                        weight=weight,
                        effective_from=first_day,
                    )
                )
            for row in self.vendor_measurements(info, kpis, first_day, days):
                pending.append(row)
                if len(pending) >= BATCH:
                    self.insert(Measurement, pending, columns=MEASUREMENT_COLUMNS)
                    pending = []
        self.insert(Measurement, pending, columns=MEASUREMENT_COLUMNS)
        self.insert(Target, targets)

    def vendor_measurements(
        self, info: VendorInfo, kpis: dict[str, KPI], first_day: date, days: int
    ) -> Iterator[tuple[Any, ...]]:
        """Daily vendor-reported values; ratio KPIs carry consistent counts (volume =
        denominator, value = numerator ÷ denominator × 100, as ``Measurement.clean``
        would derive them)."""
        rng, vendor = self.rng, info.pk
        for offset in range(days):
            day = first_day + timedelta(days=offset)
            t = offset / max(days - 1, 1)
            quality = min(1.0, max(0.0, info.quality(t) + rng.gauss(0, 0.07)))
            weekend = day.isoweekday() >= 6
            for code in info.kpi_codes:
                bad, good, _target, _red, _weight, base_volume = KPI_PLAN[code]
                kpi = kpis[code]
                volume = max(1, int(base_volume * (0.55 if weekend else 1) * rng.uniform(0.8, 1.2)))
                value = bad + (good - bad) * quality
                if kpi.aggregation == Aggregation.RATIO:
                    numerator = float(min(volume, max(0, round(value * volume / kpi.scale))))
                    stored = round(numerator / volume * kpi.scale, 6)
                    yield (vendor, kpi.pk, day, "day", stored, volume, numerator, float(volume),
                           *MEASUREMENT_CONSTANTS)  # fmt: skip
                else:
                    yield (vendor, kpi.pk, day, "day", round(value, 2), volume, None, None,
                           *MEASUREMENT_CONSTANTS)  # fmt: skip

    # --- disputes ------------------------------------------------------------------
    def seed_disputes(self) -> None:
        """Disputes per vendor, oldest first, then their timelines batch by batch.

        References continue each year's ``DisputeSequence`` counter and the counters are
        moved past the last number used, so disputes created later do not collide.
        """
        kpi_ids = dict(KPI.objects.filter(code__in=KPI_PLAN).values_list("code", "pk"))
        self.sequence = dict(DisputeSequence.objects.values_list("year", "last"))
        total = self.counts["disputes"]
        events_per_dispute = self.counts["events"] / total
        pending: list[tuple[Dispute, list[dict[str, Any]]]] = []
        for info in self.vendors:
            count = spread(total, len(self.vendors), info.index)
            for dispute, plan in self.vendor_disputes(info, count, kpi_ids, events_per_dispute):
                pending.append((dispute, plan))
                if len(pending) >= BATCH // 2:
                    self.flush_disputes(pending)
                    pending = []
        self.flush_disputes(pending)
        with transaction.atomic():
            for year, last in self.sequence.items():
                DisputeSequence.objects.update_or_create(year=year, defaults={"last": last})

    def flush_disputes(self, pending: list[tuple[Dispute, list[dict[str, Any]]]]) -> None:
        if not pending:
            return
        disputes = self.insert(Dispute, [dispute for dispute, _plan in pending], ids=True)
        events = [
            Row(spec, dispute_id=dispute.pk, vendor_id=dispute.vendor_id)
            for dispute, (_same, plan) in zip(disputes, pending, strict=True)
            for spec in plan
        ]
        for chunk in batched(events, BATCH):
            self.insert(DisputeEvent, chunk)

    def next_reference(self, year: int) -> str:
        self.sequence[year] = self.sequence.get(year, 0) + 1
        return f"DSP-{year}-{self.sequence[year]:04d}"

    def vendor_disputes(
        self, info: VendorInfo, count: int, kpi_ids: dict[str, int], events_per_dispute: float
    ) -> Iterator[tuple[Dispute, list[dict[str, Any]]]]:
        rng = self.rng
        # Most disputes are old and finished; the open ones are recent, some overdue.
        if count <= 0:
            return
        open_count = max(1, round(count * 0.12)) if count > 1 else rng.randint(0, 1)
        moments = sorted(
            [self.now - timedelta(seconds=rng.randint(70 * 86400, 730 * 86400))
             for _ in range(count - open_count)]
            + [self.now - timedelta(seconds=rng.randint(3600, 70 * 86400))
               for _ in range(open_count)]
        )  # fmt: skip
        recent: dict[tuple[str, Any], deque[datetime]] = {}
        for created in moments:
            is_recent = created > self.now - timedelta(days=70)
            status = self.pick_status(is_recent)
            dtype = rng.choices(
                ["underperformance", "breach", "pricing", "miscommunication"],
                weights=[45, 20, 20, 15],
            )[0]
            severity = rng.choices(["low", "medium", "high", "critical"], weights=[25, 45, 22, 8])[
                0
            ]
            dispute = self.build_dispute(info, dtype, severity, status, created, kpi_ids)
            # Recurring: three or more of the same conversation (type and clause or KPI)
            # within 90 days, the rule of ``services.dispute_refresh_recurrence``.
            key = (dtype, dispute.clause_id or dispute.kpi_id)
            window = recent.setdefault(key, deque())
            while window and created - window[0] > timedelta(days=90):
                window.popleft()
            window.append(created)
            dispute.is_recurring = len(window) >= 3
            target_events = max(2, round(rng.gauss(events_per_dispute, 1.2)))
            yield dispute, self.timeline(info, dispute, target_events)

    def pick_status(self, is_recent: bool) -> str:
        if not is_recent:
            return self.rng.choices([Status.CLOSED, Status.RESOLVED], weights=[85, 15])[0]
        return self.rng.choices(
            [
                Status.OPEN,
                Status.AWAITING_VENDOR,
                Status.VENDOR_RESPONDED,
                Status.UNDER_REVIEW,
                Status.ESCALATED,
                Status.RESOLVED,
                Status.CLOSED,
            ],
            weights=[10, 22, 12, 14, 6, 14, 22],
        )[0]

    def build_dispute(
        self,
        info: VendorInfo,
        dtype: str,
        severity: str,
        status: str,
        created: datetime,
        kpi_ids: dict[str, int],
    ) -> Dispute:
        rng = self.rng
        contract_id = rng.choice(info.contract_ids) if info.contract_ids else None
        clauses = info.clause_ids.get(contract_id, []) if contract_id else []
        by_vendor = rng.random() < 0.1
        a, b, w = rng.randint(5, 40), rng.choice([80, 85, 90]), rng.randint(1, 52)
        title = rng.choice(DISPUTE_TITLES[dtype]).format(a=a, b=b, w=w)
        response_days, resolution_days = sla_days(severity)
        dispute = Row(
            reference=self.next_reference(created.year),
            vendor_id=info.pk,
            type=dtype,
            severity=severity,
            title=title,
            description=(
                f"{title}. Observed on {created:%d %b %Y}; figures from the client's "
                "reporting and the vendor's daily file. Impact on customers described in "
                "the attached extract."
            ),
            status=status,
            raised_by_id=info.partner_id if by_vendor else self.manager_id,
            raised_by_side=Side.VENDOR if by_vendor else Side.CLIENT,
            owner_id=self.manager_id,
            vendor_assignee_id=info.partner_id if rng.random() < 0.7 else None,
            contract_id=contract_id,
            created_at=created,
            response_due_at=created + timedelta(days=response_days),
            resolution_started_at=created,
            resolution_due_at=created + timedelta(days=resolution_days),
        )
        if dtype == "breach" and clauses:
            dispute.clause_id = rng.choice(clauses)
        elif dtype == "underperformance":
            code = rng.choice(info.kpi_codes or CORE_KPIS)
            dispute.kpi_id = kpi_ids[code]
            period_end = (created - timedelta(days=rng.randint(1, 10))).date()
            dispute.kpi_period_start = period_end - timedelta(days=6)
            dispute.kpi_period_end = period_end
        elif dtype == "pricing":
            dispute.disputed_amount = Decimal(rng.randrange(500, 60_000, 10))
            dispute.currency = rng.choice(CURRENCIES)
        self.set_clocks(dispute, response_days, resolution_days)
        return dispute

    def set_clocks(self, dispute: Dispute, response_days: int, resolution_days: int) -> None:
        """Responded / resolved / closed instants consistent with the status and SLA."""
        rng, created = self.rng, dispute.created_at
        elapsed = self.now - created

        def within(limit: timedelta, share: float) -> datetime:
            return min(self.now, created + limit * share)

        answered = dispute.status not in (Status.OPEN, Status.AWAITING_VENDOR)
        if dispute.raised_by_side == Side.VENDOR:
            dispute.responded_at = created
        elif answered:
            dispute.responded_at = within(timedelta(days=response_days), rng.uniform(0.1, 1.6))
            dispute.responded_at = min(dispute.responded_at, created + elapsed * 0.5)
        if dispute.status in (Status.RESOLVED, Status.CLOSED):
            dispute.resolved_at = within(timedelta(days=resolution_days), rng.uniform(0.3, 1.5))
            dispute.resolved_at = max(dispute.resolved_at, dispute.responded_at or created)
            dispute.resolution_breached = dispute.resolved_at > dispute.resolution_due_at
            dispute.outcome = rng.choice(OUTCOMES)
            dispute.resolution_summary = rng.choice(
                [
                    "Root cause fixed; recovery confirmed over two weeks.",
                    "Service credit agreed for the affected period.",
                    "Withdrawn after the vendor's evidence was checked.",
                    "Partially upheld; corrective plan in place.",
                ]
            )
            if dispute.outcome in (Outcome.UPHELD, Outcome.PARTIALLY_UPHELD):
                dispute.service_credit_agreed = Decimal(rng.randrange(0, 15_000, 50))
            if dispute.status == Status.CLOSED:
                dispute.closed_at = min(self.now, dispute.resolved_at + timedelta(days=2))
        elif self.now > dispute.resolution_due_at:
            dispute.resolution_breached = True
        if dispute.status == Status.ESCALATED:
            dispute.escalation_level = rng.choice([1, 1, 2])
        if dispute.responded_at and dispute.status != Status.OPEN:
            dispute.root_cause = "Forecast ignored the campaign calendar; late shift understaffed."
            dispute.action_plan = "Add campaign dates to the forecast; six extra agents on peaks."

    def timeline(self, info: VendorInfo, dispute: Dispute, target: int) -> list[dict[str, Any]]:
        """Events consistent with the status path, padded with comments to ``target``."""
        rng = self.rng
        manager, partner = self.manager_id, info.partner_id
        created = dispute.created_at
        end = dispute.closed_at or dispute.resolved_at or self.now
        raiser_side = dispute.raised_by_side
        events: list[dict[str, Any]] = [
            dict(
                kind=EventKind.CREATED,
                author_id=dispute.raised_by_id,
                author_side=raiser_side,
                body=dispute.description,
                created_at=created,
            )
        ]

        def move(src: str, dst: str, at: datetime, note: str = "") -> None:
            events.append(
                dict(
                    kind=EventKind.ESCALATION if dst == Status.ESCALATED else EventKind.STATUS,
                    author_id=manager,
                    author_side=Side.CLIENT,
                    from_status=src,
                    to_status=dst,
                    body=note,
                    created_at=at,
                )
            )

        status = dispute.status
        path = [Status.OPEN]
        if status != Status.OPEN:
            path.append(Status.AWAITING_VENDOR)
        if dispute.responded_at and status not in (Status.OPEN, Status.AWAITING_VENDOR):
            path.append(Status.VENDOR_RESPONDED)
        if status in (Status.UNDER_REVIEW, Status.ESCALATED, Status.RESOLVED, Status.CLOSED):
            path.append(Status.UNDER_REVIEW)
        if status == Status.ESCALATED:
            path.append(Status.ESCALATED)
        if status in (Status.RESOLVED, Status.CLOSED):
            path.append(Status.RESOLVED)
        if status == Status.CLOSED:
            path.append(Status.CLOSED)
        span = max(end - created, timedelta(minutes=len(path) + target))
        for step, (src, dst) in enumerate(pairwise(path), start=1):
            at = created + span * (step / (len(path) + 1))
            if dst == Status.VENDOR_RESPONDED:
                at = dispute.responded_at or at
                events.append(
                    dict(
                        kind=EventKind.RESPONSE,
                        author_id=partner,
                        author_side=Side.VENDOR,
                        body=dispute.root_cause or "Root cause and action plan attached.",
                        from_status=src,
                        to_status=dst,
                        created_at=at,
                    )
                )
            else:
                move(src, dst, at)
        while len(events) < target:
            internal = rng.random() < 0.3
            client_side = internal or rng.random() < 0.5
            events.append(
                dict(
                    kind=EventKind.COMMENT,
                    author_id=manager if client_side else partner,
                    author_side=Side.CLIENT if client_side else Side.VENDOR,
                    internal=internal,
                    body=rng.choice(COMMENTS_INTERNAL if internal else COMMENTS_SHARED),
                    created_at=created + span * rng.uniform(0.05, 0.95),
                )
            )
        events.sort(key=lambda spec: spec["created_at"])
        return events

    # --- meetings ------------------------------------------------------------------
    def seed_meetings(self) -> None:
        """Meetings over the last two years and the next three months, with attendance
        per side (both sides miss some) and action items on some held meetings."""
        total = self.counts["meetings"]
        pending: list[tuple[Meeting, list[Attendance], list[ActionItem]]] = []
        for info in self.vendors:
            for row in self.vendor_meetings(info, spread(total, len(self.vendors), info.index)):
                pending.append(row)
                if len(pending) >= BATCH // 2:
                    self.flush_meetings(pending)
                    pending = []
        self.flush_meetings(pending)

    def flush_meetings(self, pending: list[tuple[Meeting, list[Attendance], list[ActionItem]]]):
        meetings = self.insert(Meeting, [meeting for meeting, _a, _i in pending], ids=True)
        attendances, actions = [], []
        for meeting, rows, items in pending:
            for row in rows:
                row.meeting_id = meeting.pk
                attendances.append(row)
            for item in items:
                item.meeting_id = meeting.pk
                actions.append(item)
        for chunk in batched(attendances, BATCH):
            self.insert(Attendance, chunk)
        self.insert(ActionItem, actions)
        del meetings

    def vendor_meetings(
        self, info: VendorInfo, count: int
    ) -> Iterator[tuple[Meeting, list[Attendance], list[ActionItem]]]:
        rng = self.rng
        first = self.now - timedelta(days=730)
        span = timedelta(days=730 + 91)
        for k in range(count):
            day = (first + span * ((k + rng.random()) / max(count, 1))).date()
            start = datetime.combine(day, time(rng.choice([7, 8, 9, 10, 13, 14, 15]), 0), UTC)
            kind, title, minutes = rng.choice(MEETING_KINDS)
            if start > self.now:
                status = "scheduled" if rng.random() < 0.95 else "cancelled"
            else:
                status = rng.choices(["held", "cancelled", "missed"], weights=[86, 8, 6])[0]
            meeting = Row(
                vendor_id=info.pk,
                title=f"{title} · {info.name}",
                start=start,
                duration_minutes=minutes,
                status=status,
                channel=rng.choice(["video", "video", "phone", "on_site"]),
                channel_details=f"https://meet.example/{info.pk}-{kind}",
                minutes=rng.choice(MINUTES) if status == "held" else "",
                organiser_id=self.manager_id,
            )
            yield meeting, self.attendance(info, status), self.actions(info, meeting)

    def attendance(self, info: VendorInfo, status: str) -> list[Attendance]:
        rng = self.rng

        def pick(present: float) -> str:
            if status == "held":
                return rng.choices(
                    ["attended", "late", "absent", "excused"],
                    weights=[present, 8, (100 - present) * 0.6, (100 - present) * 0.4],
                )[0]
            if status == "scheduled":
                return rng.choice(["invited", "accepted", "accepted", "declined"])
            if status == "cancelled":
                return rng.choice(["declined", "excused", "invited"])
            return rng.choice(["invited", "accepted"])  # missed: nothing recorded

        return [
            Row(vendor_id=info.pk, user_id=self.manager_id, side="client",
                       role="Vendor manager", status=pick(88)),
            Row(vendor_id=info.pk, user_id=info.partner_id, side="vendor",
                       role="Operations lead", status=pick(82)),
            Row(vendor_id=info.pk, name="Account director", side="vendor",
                       role="Account director", status=pick(65)),
            Row(vendor_id=info.pk, name="Workforce planner", side="client",
                       role="Workforce planning", status=pick(75)),
        ]  # fmt: skip

    def actions(self, info: VendorInfo, meeting: Meeting) -> list[ActionItem]:
        if meeting.status != "held" or self.rng.random() > 0.25:
            return []
        title, side = self.rng.choice(ACTIONS)
        due = meeting.start.date() + timedelta(days=self.rng.choice([3, 7, 14]))
        done = due < self.today - timedelta(days=30) or self.rng.random() < 0.5
        return [
            Row(
                vendor_id=info.pk,
                title=title,
                owner_id=info.partner_id if side == "vendor" else self.manager_id,
                side=side,
                due_date=due,
                status="done" if done else "open",
                completed_at=datetime.combine(due, time(12), UTC) if done else None,
            )
        ]


# --- reset and checks ------------------------------------------------------------------
def bench_vendors() -> models.QuerySet[Vendor]:
    return Vendor.objects.filter(slug__startswith=SLUG_PREFIX)


def bench_users() -> models.QuerySet[User]:
    return User.objects.filter(username__startswith=USERNAME_PREFIX)


def already_seeded() -> bool:
    return bench_vendors().exists() or bench_users().exists()


def vendor_owned_models() -> list[type[models.Model]]:
    """Every model (history tables included) with a ``vendor`` key to ``Vendor``."""
    owned = []
    for model in apps.get_models():
        if model is User:
            continue
        vendor_field = next((f for f in model._meta.concrete_fields if f.name == "vendor"), None)
        if vendor_field is not None and vendor_field.related_model is Vendor:
            owned.append(model)
    return owned


@transaction.atomic
def reset_bench_data() -> None:
    """Delete only seed_large's rows, with plain SQL DELETEs.

    ``QuerySet.delete()`` would load a million events and write a history row for each
    through simple-history's signal. Foreign keys are checked at commit (Django creates
    them ``DEFERRABLE INITIALLY DEFERRED``), so the order of the DELETEs inside this
    transaction does not matter; what Django would do in Python for ``SET_NULL`` on rows
    outside the bench set is done here with an UPDATE first.
    """
    vendor_ids = list(bench_vendors().values_list("pk", flat=True))
    owned = vendor_owned_models()
    owned_set = set(owned)
    with connection.cursor() as cursor:
        for model in owned:
            rows = model._base_manager.filter(vendor_id__in=vendor_ids)
            for relation in model._meta.related_objects:
                if relation.related_model in owned_set or relation.many_to_many:
                    continue
                if relation.on_delete is models.SET_NULL:
                    relation.related_model._base_manager.filter(
                        **{f"{relation.field.name}__in": rows.values("pk")}
                    ).update(**{relation.field.name: None})
            for m2m in model._meta.local_many_to_many:
                through = m2m.remote_field.through
                through._base_manager.filter(
                    **{f"{m2m.m2m_field_name()}__in": rows.values("pk")}
                ).delete()
        for model in owned:
            table = connection.ops.quote_name(model._meta.db_table)
            if vendor_ids:
                placeholders = ", ".join(["%s"] * len(vendor_ids))
                cursor.execute(
                    f"DELETE FROM {table} WHERE vendor_id IN ({placeholders})",  # noqa: S608
                    vendor_ids,
                )
    # Few rows left: the ORM may cascade (tokens, notifications, outbox) as usual.
    bench_users().delete()
    bench_vendors().delete()


def analyze() -> None:
    """Fresh planner statistics, or the first benchmark queries run on guesses."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
