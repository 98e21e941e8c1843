from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .forms import MAX_INLINE_ROWS
from .models import Notification, User, Vendor, VendorContact, VendorSite


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "email", "role", "vendor", "timezone", "is_active"]
    list_filter = ["role", "vendor", "is_active", "is_superuser"]
    list_select_related = ["vendor"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (
            "VendorHub",
            {"fields": ["role", "vendor", "timezone", "job_title", "notification_delivery"]},
        ),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        ("VendorHub", {"fields": ["email", "role", "vendor", "timezone"]}),
    ]


class BoundedInline(admin.TabularInline):
    """An admin inline with the same row limit as the vendor form (see forms.py)."""

    extra = 0
    max_num = MAX_INLINE_ROWS

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", MAX_INLINE_ROWS)
        kwargs.setdefault("validate_max", True)
        return super().get_formset(request, obj, **kwargs)


class VendorContactInline(BoundedInline):
    model = VendorContact
    extra = 0


class VendorSiteInline(BoundedInline):
    model = VendorSite
    extra = 0


@admin.register(Vendor)
class VendorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "country", "timezone", "status", "relationship_owner"]
    list_filter = ["status", "country"]
    list_select_related = ["relationship_owner"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VendorContactInline, VendorSiteInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "message", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "vendor"]
