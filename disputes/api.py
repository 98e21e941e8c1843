"""REST endpoints of the disputes app, registered on the /api/v1/ router.

``/api/v1/disputes/`` (list, create, retrieve, update; never delete) and the actions
``comments``, ``timeline``, ``transition``, ``respond`` and ``attachments``. Scoping
comes from ``ScopedViewSet``; every write is one call into ``services``.
"""

from __future__ import annotations

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from vendorhub.api import VERSION_ERRORS, ScopedModelViewSet, VersionedWriteMixin
from vendorhub.pagination import KeysetPagination
from vendorhub.parsers import API_PARSER_CLASSES

from . import services
from .models import Dispute, DisputeEvent, DisputeType, EventKind, Severity, Status
from .serializers import (
    AttachmentSerializer,
    CommentSerializer,
    DisputeSerializer,
    DisputeUpdateSerializer,
    EventSerializer,
    RespondSerializer,
    TransitionSerializer,
)


class DisputeFilter(filters.FilterSet):
    vendor = filters.CharFilter(field_name="vendor__slug", label="Vendor slug")
    type = filters.ChoiceFilter(choices=DisputeType.choices)
    status = filters.ChoiceFilter(choices=Status.choices)
    severity = filters.ChoiceFilter(choices=Severity.choices)
    owner = filters.CharFilter(field_name="owner__username", label="Owner username")
    recurring = filters.BooleanFilter(field_name="is_recurring")
    overdue = filters.BooleanFilter(method="filter_overdue", label="Overdue now")

    class Meta:
        model = Dispute
        fields = ["vendor", "type", "status", "severity", "owner", "recurring", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = Dispute.objects.overdue(timezone.now()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


@extend_schema_view(
    update=extend_schema(responses={200: DisputeUpdateSerializer, **VERSION_ERRORS}),
    partial_update=extend_schema(responses={200: DisputeUpdateSerializer, **VERSION_ERRORS}),
)
class DisputeViewSet(VersionedWriteMixin, ScopedModelViewSet):
    """Disputes. Edits, transitions and responses name the ``version`` they read
    (or ``If-Match``): 428 without it, 409 when someone else changed the dispute first."""

    queryset = Dispute.objects.all()
    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter
    ordering_fields = ["created_at", "severity", "status", "resolution_due_at", "reference"]
    ordering = ["-created_at", "-id"]
    # 200,000 rows: next/previous by position, no COUNT(*), deep pages as fast as page 1.
    pagination_class = KeysetPagination
    partner_write_actions = ("create", "comments", "transition", "respond", "attachments")
    parser_classes = API_PARSER_CLASSES

    def narrow(self, queryset):
        return queryset.select_related(
            "vendor", "raised_by", "owner", "vendor_assignee", "contract", "clause", "kpi"
        )

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return DisputeUpdateSerializer
        return super().get_serializer_class()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def perform_create(self, serializer):
        allowed = {"vendor", "type", "severity", "title", "description", *services.CREATE_FIELDS}
        data = {k: v for k, v in serializer.validated_data.items() if k in allowed}
        if self.request.user.is_partner:
            data.pop("owner", None)
        serializer.instance = services.dispute_create(by=self.request.user, **data)

    def update(self, request, *args, **kwargs):
        dispute = self.get_object()
        serializer = self.get_serializer(
            dispute, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        named = changes.pop("version", None)
        services.dispute_update(
            dispute=dispute,
            by=request.user,
            changes=changes,
            expected_version=self.expected_version(request, {"version": named}, required=False),
            version_required=True,
        )
        return Response(self.get_serializer(dispute).data)

    def _events(self, dispute: Dispute, kinds=None):
        qs = DisputeEvent.objects.visible_to(self.request.user).filter(dispute=dispute)
        if kinds:
            qs = qs.filter(kind__in=kinds)
        return qs.select_related("author", "dispute")

    @extend_schema(methods=["GET"], responses=EventSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentSerializer, responses={201: EventSerializer})
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        """Comments on the dispute; ``internal`` ones exist only for the client side."""
        dispute = self.get_object()
        if request.method == "GET":
            events = self._events(dispute, [EventKind.COMMENT, EventKind.RESPONSE])
            page = self.paginate_queryset(events)
            data = EventSerializer(page, many=True, context=self.get_serializer_context()).data
            return self.get_paginated_response(data)
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.dispute_comment(
            dispute=dispute, by=request.user, **serializer.validated_data
        )
        return Response(
            EventSerializer(event, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        """Every event the caller may see, oldest first."""
        events = self._events(self.get_object())
        page = self.paginate_queryset(events)
        data = EventSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(
        request=TransitionSerializer, responses={200: DisputeSerializer, **VERSION_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the dispute along its workflow: 400 illegal, 403 role, 428 without a
        version, 409 when someone else changed the dispute first."""
        dispute = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # ``expected_version`` is the older name of ``version``; both are accepted.
        named = _named_version(data)
        expected = self.expected_version(request, {"version": named}, required=False)
        services.dispute_transition(
            dispute=dispute,
            by=request.user,
            expected_version=expected,
            version_required=True,
            **data,
        )
        return Response(self.get_serializer(dispute).data)

    @extend_schema(request=RespondSerializer, responses={200: DisputeSerializer, **VERSION_ERRORS})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """The vendor's answer: reply, root cause, action plan."""
        dispute = self.get_object()
        serializer = RespondSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # ``expected_version`` is the older name of ``version``; both are accepted.
        named = _named_version(data)
        expected = self.expected_version(request, {"version": named}, required=False)
        services.dispute_respond(
            dispute=dispute,
            by=request.user,
            expected_version=expected,
            version_required=True,
            **data,
        )
        return Response(self.get_serializer(dispute).data)

    @extend_schema(request=AttachmentSerializer, responses={201: EventSerializer})
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        """Attach evidence to the timeline: PDF, DOCX, XLSX, PNG/JPEG (re-encoded), plain
        text or CSV, checked by content (``vendorhub.uploads``)."""
        dispute = self.get_object()
        serializer = AttachmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        event = services.dispute_comment(
            dispute=dispute,
            by=request.user,
            body=data["body"],
            internal=data["internal"],
            attachment=data["file"],
        )
        return Response(
            EventSerializer(event, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


def _named_version(data: dict) -> int | None:
    """``version`` (or its older name ``expected_version``), both taken out of ``data``."""
    version = data.pop("version", None)
    older = data.pop("expected_version", None)
    return version or older


def register(router) -> None:
    """Add this app's viewsets to the shared router (see vendorhub/urls.py)."""
    router.register("disputes", DisputeViewSet, basename="dispute")
