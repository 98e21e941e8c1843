from __future__ import annotations

from django.core.management.base import BaseCommand

from vendorhub.demo import DEMO_PASSWORD, USERS, seed_demo


class Command(BaseCommand):
    help = "Load a small, realistic demo (vendors and users of every role). Idempotent."

    def handle(self, *args, **options):
        demo = seed_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(demo.vendors)} vendors."))
        self.stdout.write(
            f"Log in at http://127.0.0.1:8000/ with any of these (password “{DEMO_PASSWORD}”):"
        )
        for username, _first, _last, role, vendor_slug, _tz, _title in USERS:
            where = f" ({demo.vendors[vendor_slug].name})" if vendor_slug else ""
            self.stdout.write(f"  {username:<16} {role}{where}")
