"""Core factories. Tenancy tests always pass ``vendor=`` explicitly to anything vendor-owned."""

from __future__ import annotations

import factory

from vendorhub.models import Notification, Role, User, Vendor, VendorContact, VendorSite

PASSWORD = "correct-horse-battery"


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Vendor {n} Contact Centre")
    slug = factory.Sequence(lambda n: f"vendor-{n}")
    country = "PH"
    timezone = "Asia/Manila"
    status = "active"
    services = factory.LazyFunction(lambda: ["voice", "email"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.MANAGER
    vendor = None
    timezone = "Europe/Berlin"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class VendorContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorContact

    name = factory.Faker("name")
    role = "Account director"
    email = factory.Faker("email")


class VendorSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorSite

    name = factory.Sequence(lambda n: f"Site {n}")
    city = "Manila"
    country = "PH"
    timezone = "Asia/Manila"
    seats = 100


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    kind = "test"
    message = factory.Sequence(lambda n: f"Something happened #{n}")
    url = "/"
