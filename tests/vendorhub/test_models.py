"""Rules that live on the core models."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.factories import UserFactory
from vendorhub.models import Role, User, Vendor

pytestmark = pytest.mark.django_db


def test_database_refuses_a_partner_without_vendor():
    with pytest.raises(IntegrityError):
        User.objects.create(username="floating", role=Role.PARTNER)


def test_database_refuses_a_manager_with_a_vendor(vendor_a):
    with pytest.raises(IntegrityError):
        User.objects.create(username="confused", role=Role.MANAGER, vendor=vendor_a)


def test_full_clean_explains_the_partner_rule():
    with pytest.raises(ValidationError, match="A partner must belong to a vendor"):
        User(username="p", role=Role.PARTNER).clean()


def test_superuser_acts_as_manager():
    admin = User.objects.create_superuser("root", "root@example.com", "pw-123456789")
    assert admin.role == Role.MANAGER and admin.is_manager


def test_visible_to_scopes_vendors(manager, executive, partner_a, vendor_a, vendor_b):
    assert set(Vendor.objects.visible_to(manager)) == {vendor_a, vendor_b}
    assert set(Vendor.objects.visible_to(executive)) == {vendor_a, vendor_b}
    assert list(Vendor.objects.visible_to(partner_a)) == [vendor_a]


def test_inactive_user_sees_nothing(vendor_a):
    user = UserFactory(username="gone", role=Role.MANAGER, is_active=False)
    assert not Vendor.objects.visible_to(user).exists()


def test_working_time_is_judged_in_the_vendor_zone(vendor_a):
    vendor_a.working_hours_start, vendor_a.working_hours_end = time(8), time(17)
    # 01:30 UTC on a Monday is 09:30 in Manila: inside working hours there.
    assert vendor_a.is_working_time(datetime(2026, 3, 2, 1, 30, tzinfo=UTC))
    # 12:00 UTC is 20:00 in Manila: outside.
    assert not vendor_a.is_working_time(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))


def test_working_days_display(vendor_a):
    vendor_a.working_days = "12345"
    assert vendor_a.get_working_days_display() == "Mon–Fri"
    vendor_a.working_days = "135"
    assert vendor_a.get_working_days_display() == "Mon, Wed, Fri"
