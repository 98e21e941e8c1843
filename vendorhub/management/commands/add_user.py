from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from vendorhub.models import Role, User, Vendor


class Command(BaseCommand):
    help = "Create or update a VendorHub user with a role (partners need --vendor)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--vendor", help="Vendor slug (partners only).")
        parser.add_argument("--password", help="Without it the user gets no usable password.")
        parser.add_argument("--email", default="")
        parser.add_argument("--timezone", default=None)

    @transaction.atomic
    def handle(self, *args, username, role, vendor=None, password=None, email="", **options):
        vendor_obj = None
        if vendor:
            vendor_obj = Vendor.objects.filter(slug=vendor).first()
            if vendor_obj is None:
                raise CommandError(f"No vendor with slug “{vendor}”.")
        if role == Role.PARTNER and vendor_obj is None:
            raise CommandError("A partner needs --vendor SLUG.")
        if role != Role.PARTNER and vendor_obj is not None:
            raise CommandError("Only partners belong to a vendor: drop --vendor.")

        user = User.objects.filter(username=username).first()
        created = user is None
        user = user or User(username=username)
        user.role = role
        user.vendor = vendor_obj
        if email:
            user.email = email
        if options.get("timezone"):
            user.timezone = options["timezone"]
        elif created and vendor_obj is not None:
            user.timezone = vendor_obj.timezone
        if password:
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(messages) from exc
        user.save()
        verb = "Created" if created else "Updated"
        where = f" for {vendor_obj.name}" if vendor_obj else ""
        self.stdout.write(self.style.SUCCESS(f"{verb} {role} “{username}”{where}."))
