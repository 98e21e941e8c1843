"""REST endpoints of the meetings app, registered on the /api/v1/ router.

``/meeting-series/``, ``/meetings/`` (with ``/meetings/{id}/attendance/`` and
``/meetings/{id}/agenda/``) and ``/action-items/``. Scoping comes from
``ScopedViewSet``; partners may answer their own attendance, add agenda points and
update their own action items (``partner_write_actions``), the services enforce the
"own" part.
"""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from vendorhub.access import can_manage
from vendorhub.api import ScopedModelViewSet
from vendorhub.bounds import BoundedIsoDateTimeFilter

from .models import ActionItem, Meeting, MeetingSeries
from .serializers import (
    ActionItemSerializer,
    ActionItemStatusSerializer,
    AgendaItemSerializer,
    AttendanceSerializer,
    MeetingSerializer,
    MeetingSeriesSerializer,
)
from .services import (
    action_item_save,
    action_item_update,
    agenda_item_add,
    attendance_set,
    meeting_schedule,
    meeting_update,
    series_save,
)


class MeetingSeriesFilter(filters.FilterSet):
    vendor = filters.CharFilter(field_name="vendor__slug")

    class Meta:
        model = MeetingSeries
        fields = ["vendor", "kind", "is_active"]


class MeetingSeriesViewSet(ScopedModelViewSet):
    """A cadence; saving it generates its meetings ahead (idempotently)."""

    queryset = MeetingSeries.objects.all()
    serializer_class = MeetingSeriesSerializer
    filterset_class = MeetingSeriesFilter
    ordering_fields = ["title", "created_at"]
    ordering = ["title", "id"]

    def narrow(self, queryset):
        return queryset.select_related("vendor", "owner")

    def save_instance(self, instance, serializer):
        series, _created = series_save(series=instance, by=self.request.user)
        return series


class MeetingFilter(filters.FilterSet):
    vendor = filters.CharFilter(field_name="vendor__slug")
    # Bounded and turned into UTC: "+16:00" is valid ISO 8601 but not for PostgreSQL.
    start_after = BoundedIsoDateTimeFilter(field_name="start", lookup_expr="gte")
    start_before = BoundedIsoDateTimeFilter(field_name="start", lookup_expr="lt")

    class Meta:
        model = Meeting
        fields = ["vendor", "series", "status", "start_after", "start_before"]


class MeetingViewSet(ScopedModelViewSet):
    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["start", "updated_at"]
    ordering = ["-start", "-id"]
    partner_write_actions = ("attendance", "agenda")

    def narrow(self, queryset):
        return queryset.select_related("vendor", "series__owner", "organiser")

    def perform_update(self, serializer):
        # What changed is known only before the data is applied to the instance.
        self._changed = [
            name
            for name, value in serializer.validated_data.items()
            if getattr(serializer.instance, name) != value
        ]
        super().perform_update(serializer)

    def save_instance(self, instance, serializer):
        if instance.pk is None:
            return meeting_schedule(meeting=instance, by=self.request.user)
        return meeting_update(meeting=instance, changed=self._changed, by=self.request.user)

    @extend_schema(methods=["GET"], responses=AttendanceSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=AttendanceSerializer, responses={201: AttendanceSerializer}
    )
    # A plain list of the meeting's rows: not paginated, not filtered like the list.
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def attendance(self, request, pk=None):
        """GET: the invitees. POST: invite or update one (by ``user`` or ``name``).
        Partners may only accept or decline their own invitation."""
        meeting = self.get_object()
        if request.method == "POST":
            serializer = AttendanceSerializer(data=request.data, context={"request": request})
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            row = attendance_set(
                meeting=meeting,
                by=request.user,
                status=data["status"],
                user=data.get("user"),
                name=data.get("name", ""),
                side=data.get("side", ""),
                role=data.get("role", ""),
            )
            return Response(AttendanceSerializer(row).data, status=status.HTTP_201_CREATED)
        rows = meeting.attendances.select_related("user")
        return Response(AttendanceSerializer(rows, many=True).data)

    @extend_schema(methods=["GET"], responses=AgendaItemSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=AgendaItemSerializer, responses={201: AgendaItemSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def agenda(self, request, pk=None):
        """GET: the agenda in order. POST ``{"title", "notes"}``: add a point."""
        meeting = self.get_object()
        if request.method == "POST":
            serializer = AgendaItemSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            item = agenda_item_add(
                meeting=meeting,
                by=request.user,
                title=serializer.validated_data["title"],
                notes=serializer.validated_data.get("notes", ""),
            )
            return Response(AgendaItemSerializer(item).data, status=status.HTTP_201_CREATED)
        rows = meeting.agenda_items.select_related("added_by", "dispute")
        return Response(AgendaItemSerializer(rows, many=True).data)


class ActionItemFilter(filters.FilterSet):
    vendor = filters.CharFilter(field_name="vendor__slug")
    overdue = filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = ActionItem
        fields = ["vendor", "meeting", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset


class ActionItemViewSet(ScopedModelViewSet):
    """Managers create and edit; a partner updates status and notes of their own."""

    queryset = ActionItem.objects.all()
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    ordering_fields = ["due_date", "created_at"]
    ordering = ["due_date", "id"]
    partner_write_actions = ("update", "partial_update")

    def narrow(self, queryset):
        return queryset.select_related("vendor", "owner")

    def save_instance(self, instance, serializer):
        return action_item_save(item=instance, by=self.request.user)

    def update(self, request, *args, **kwargs):
        if can_manage(request.user):
            return super().update(request, *args, **kwargs)
        item = self.get_object()
        serializer = ActionItemStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action_item_update(
            item=item,
            by=request.user,
            status=serializer.validated_data["status"],
            notes=serializer.validated_data.get("notes"),
        )
        return Response(self.get_serializer(item).data)


def register(router) -> None:
    """Add this app's viewsets to the shared router (see vendorhub/urls.py)."""
    router.register("meeting-series", MeetingSeriesViewSet, basename="meetingseries")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("action-items", ActionItemViewSet, basename="actionitem")
