from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import PlatformConnection


@admin.register(PlatformConnection)
class PlatformConnectionAdmin(SimpleHistoryAdmin):
    """Connections are configured by administrators; credentials stay out of the form
    (``credentials_ref`` only names where the server finds them)."""

    list_display = [
        "name",
        "vendor",
        "platform",
        "region",
        "granularity",
        "enabled",
        "pulled_until",
        "last_attempt_at",
        "last_error",
    ]
    list_filter = ["platform", "enabled", "vendor"]
    list_select_related = ["vendor"]
    search_fields = ["name", "vendor__name", "vendor__slug"]
    readonly_fields = ["last_attempt_at", "last_error", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["vendor", "name", "platform", "enabled"]}),
        (
            "Where",
            {"fields": ["region", "instance_arn", "base_url", "queue_ids", "credentials_ref"]},
        ),
        (
            "What",
            {
                "fields": [
                    "timezone",
                    "granularity",
                    "answer_threshold_seconds",
                    "short_abandon_seconds",
                ]
            },
        ),
        ("Status", {"fields": ["pulled_until", "last_attempt_at", "last_error"]}),
    ]
