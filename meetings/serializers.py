"""API representations of series, meetings, attendance, agenda and action items.

Public field names (SPEC "REST API") are kept exactly; times are ISO 8601 with offset.
Related objects are looked up inside the caller's scope, so an id or slug of another
vendor's row is "does not exist", never a link to it.
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from vendorhub.access import can_manage
from vendorhub.models import User, Vendor
from vendorhub.serializers import ScopedRelatedField

from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingSeries,
    Side,
)


def _answerable_by(queryset, user):
    """Whose attendance ``user`` may set: anyone for a manager (the model refuses a
    partner of another vendor); a partner or executive only for themselves. Anyone else
    is "no such user", exactly like a made-up name: the answer never says who exists."""
    return queryset if can_manage(user) else queryset.filter(pk=user.pk)


class AwareDateTimeField(serializers.DateTimeField):
    """Refuse a time without an offset: guessing the zone of a meeting is how people
    end up on a call at 3 a.m."""

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)

    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        "naive": "Give the time with its UTC offset, e.g. 2025-06-10T10:00:00+02:00.",
    }


class MeetingSeriesSerializer(serializers.ModelSerializer):
    vendor = ScopedRelatedField(slug_field="slug", queryset=Vendor.objects.all())
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    description = serializers.CharField(source="describe", read_only=True)
    working_hours_warnings = serializers.SerializerMethodField()

    def get_working_hours_warnings(self, series: MeetingSeries) -> list[str]:
        """The cadence's next occurrences outside either side's working hours."""
        return series.working_hours_warnings(now=timezone.now())

    class Meta:
        model = MeetingSeries
        fields = [
            "id",
            "vendor",
            "title",
            "kind",
            "rrule",
            "description",
            "starts_on",
            "start_time",
            "timezone",
            "duration_minutes",
            "channel",
            "channel_details",
            "standing_agenda",
            "required_roles",
            "owner",
            "is_active",
            "working_hours_warnings",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "owner", "created_at", "updated_at"]


class MeetingSerializer(serializers.ModelSerializer):
    vendor = ScopedRelatedField(slug_field="slug", queryset=Vendor.objects.all())
    series = ScopedRelatedField(
        queryset=MeetingSeries.objects.all(), required=False, allow_null=True
    )
    start = AwareDateTimeField()
    end = serializers.DateTimeField(read_only=True)
    vendor_local_start = serializers.SerializerMethodField()
    organiser = serializers.SlugRelatedField(slug_field="username", read_only=True)
    working_hours_warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "vendor",
            "series",
            "title",
            "start",
            "end",
            "vendor_local_start",
            "duration_minutes",
            "status",
            "channel",
            "channel_details",
            "minutes",
            "organiser",
            "is_exception",
            "working_hours_warnings",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "organiser", "is_exception", "created_at", "updated_at"]

    def get_vendor_local_start(self, meeting: Meeting) -> str:
        return meeting.vendor_local_start().isoformat()


class AttendanceSerializer(serializers.ModelSerializer):
    """``user`` (username) or ``name``; ``side`` defaults to the user's side."""

    user = ScopedRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        scope=_answerable_by,
        required=False,
        allow_null=True,
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    side = serializers.ChoiceField(choices=Side.choices, required=False)
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "user", "name", "display_name", "role", "side", "status", "updated_at"]
        read_only_fields = ["id", "display_name", "updated_at"]

    def validate(self, attrs):
        user, name = attrs.get("user"), (attrs.get("name") or "").strip()
        if user is None and not name:
            raise serializers.ValidationError({"user": "Give a username or a name."})
        if user is None and not attrs.get("side"):
            raise serializers.ValidationError({"side": "Say which side a named guest is on."})
        return attrs


class AgendaItemSerializer(serializers.ModelSerializer):
    added_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    dispute = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "title", "notes", "source", "dispute", "added_by"]
        read_only_fields = ["id", "position", "source", "dispute", "added_by"]


class ActionItemSerializer(serializers.ModelSerializer):
    meeting = ScopedRelatedField(queryset=Meeting.objects.select_related("vendor"))
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "vendor",
            "meeting",
            "title",
            "owner",
            "owner_name",
            "side",
            "due_date",
            "status",
            "notes",
            "is_overdue",
            "completed_at",
            "created_at",
        ]
        read_only_fields = ["id", "vendor", "completed_at", "created_at"]

    def get_is_overdue(self, item: ActionItem) -> bool:
        return item.is_overdue()


class ActionItemStatusSerializer(serializers.Serializer):
    """What a partner may change on their own item."""

    status = serializers.ChoiceField(choices=ActionItem._meta.get_field("status").choices)
    notes = serializers.CharField(required=False, allow_blank=True)
