"""Demo data for ``seed_demo``: realistic, small and idempotent (safe to run twice).

Later apps add a ``seed(demo: DemoData)`` step of their own (see ``DEMO_STEPS``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from django.db import transaction

from .models import Role, User, Vendor, VendorContact, VendorSite, VendorStatus

DEMO_PASSWORD = "vendorhub-demo"  # noqa: S105 - printed by seed_demo, demo only


@dataclass
class DemoData:
    vendors: dict[str, Vendor] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


VENDORS = [
    {
        "slug": "atlas-contact",
        "name": "Atlas Contact Solutions",
        "country": "PH",
        "timezone": "Asia/Manila",
        "status": VendorStatus.ACTIVE,
        "services": ["voice", "email", "chat"],
        "hours": (time(8, 0), time(17, 0)),
        "days": "123456",
        "website": "https://atlas-contact.example",
        "notes": "Largest voice partner. Renewal talks planned for Q2; keep an eye on AHT creep.",
        "sites": [
            ("Makati", "Manila", "PH", "Asia/Manila", 420),
            ("Cebu IT Park", "Cebu", "PH", "Asia/Manila", 260),
        ],
        "contacts": [
            ("Isabel Reyes", "Account director", "isabel.reyes@atlas-contact.example", True),
            ("Marco Dizon", "Operations manager", "marco.dizon@atlas-contact.example", False),
            ("Joy Santos", "Workforce planning lead", "joy.santos@atlas-contact.example", False),
        ],
    },
    {
        "slug": "nordlicht-cx",
        "name": "Nordlicht CX",
        "country": "PT",
        "timezone": "Europe/Lisbon",
        "status": VendorStatus.PROBATION,
        "services": ["voice", "email", "back_office"],
        "hours": (time(9, 0), time(18, 0)),
        "days": "12345",
        "website": "https://nordlicht-cx.example",
        "notes": "On probation since the service-level misses of last quarter.",
        "sites": [("Lisbon Parque das Nações", "Lisbon", "PT", "Europe/Lisbon", 180)],
        "contacts": [
            ("Henrik Lund", "Account director", "henrik.lund@nordlicht-cx.example", True),
            ("Sofia Almeida", "Quality lead", "sofia.almeida@nordlicht-cx.example", False),
        ],
    },
    {
        "slug": "andes-support",
        "name": "Andes Support Partners",
        "country": "CO",
        "timezone": "America/Bogota",
        "status": VendorStatus.ONBOARDING,
        "services": ["chat", "email"],
        "hours": (time(7, 0), time(16, 0)),
        "days": "12345",
        "website": "https://andes-support.example",
        "notes": "Spanish-language chat pilot; ramping to 60 agents.",
        "sites": [("Medellín El Poblado", "Medellín", "CO", "America/Bogota", 60)],
        "contacts": [
            ("Camila Restrepo", "Account director", "camila.restrepo@andes-support.example", True),
            ("Andrés Gómez", "Training lead", "andres.gomez@andes-support.example", False),
        ],
    },
]

USERS = [
    # username, first, last, role, vendor slug, timezone, job title
    ("maria.manager", "Maria", "Keller", Role.MANAGER, None, "Europe/Berlin", "Vendor manager"),
    ("tom.manager", "Tom", "Brennan", Role.MANAGER, None, "Europe/London", "Vendor manager"),
    ("erin.exec", "Erin", "Walsh", Role.EXECUTIVE, None, "Europe/Berlin", "COO"),
    ("paolo.atlas", "Paolo", "Cruz", Role.PARTNER, "atlas-contact", "Asia/Manila", "Ops lead"),
    ("lena.nordlicht", "Lena", "Sousa", Role.PARTNER, "nordlicht-cx", "Europe/Lisbon", "Ops lead"),
    ("diego.andes", "Diego", "Mejía", Role.PARTNER, "andes-support", "America/Bogota", "Ops lead"),
]


def seed_core(demo: DemoData) -> None:
    for username, first, last, role, _vendor, tz, title in USERS:
        if role == Role.PARTNER:
            continue
        demo.users[username] = _user(username, first, last, role, None, tz, title)

    owners = [demo.users["maria.manager"], demo.users["tom.manager"]]
    for index, spec in enumerate(VENDORS):
        vendor, _ = Vendor.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "country": spec["country"],
                "timezone": spec["timezone"],
                "status": spec["status"],
                "services": spec["services"],
                "working_hours_start": spec["hours"][0],
                "working_hours_end": spec["hours"][1],
                "working_days": spec["days"],
                "website": spec["website"],
                "notes": spec["notes"],
                "relationship_owner": owners[index % len(owners)],
            },
        )
        for name, city, country, tz, seats in spec["sites"]:
            VendorSite.objects.update_or_create(
                vendor=vendor,
                name=name,
                defaults={"city": city, "country": country, "timezone": tz, "seats": seats},
            )
        for name, role, email, primary in spec["contacts"]:
            VendorContact.objects.update_or_create(
                vendor=vendor,
                name=name,
                defaults={"role": role, "email": email, "is_primary": primary},
            )
        demo.vendors[vendor.slug] = vendor

    for username, first, last, role, vendor_slug, tz, title in USERS:
        if role == Role.PARTNER:
            vendor = demo.vendors[vendor_slug]
            demo.users[username] = _user(username, first, last, role, vendor, tz, title)


def _user(username, first, last, role, vendor, tz, title) -> User:
    user = User.objects.filter(username=username).first() or User(username=username)
    user.first_name, user.last_name, user.role, user.vendor = first, last, role, vendor
    user.timezone, user.job_title = tz, title
    domain = vendor.website.split("//")[1] if vendor else "client.example"
    user.email = f"{username}@{domain}"
    user.set_password(DEMO_PASSWORD)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def seed_demo() -> DemoData:
    """Core first, then each app's ``demo.seed`` in dependency order."""
    import actionplans.demo
    import contracts.demo
    import disputes.demo
    import meetings.demo
    import scorecards.demo

    demo = DemoData()
    for step in (
        seed_core,
        contracts.demo.seed,
        scorecards.demo.seed,
        disputes.demo.seed,
        meetings.demo.seed,
        actionplans.demo.seed,
    ):
        step(demo)
    return demo
