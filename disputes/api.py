"""REST endpoints of the disputes app, registered on the /api/v1/ router.

``/api/v1/disputes/`` (list, create, retrieve, update; never delete) and the actions
``comments``, ``timeline``, ``transition``, ``respond`` and ``attachments``. Scoping
comes from ``ScopedViewSet``; every write is one call into ``services``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from vendorhub.api import ScopedModelViewSet

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


def _as_drf(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return ValidationError(detail)
    if isinstance(exc, DjangoPermissionDenied):
        return PermissionDenied(str(exc) or None)
    return exc


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


class DisputeViewSet(ScopedModelViewSet):
    queryset = Dispute.objects.all()
    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter
    ordering_fields = ["created_at", "severity", "status", "resolution_due_at", "reference"]
    ordering = ["-created_at", "-id"]
    partner_write_actions = ("create", "comments", "transition", "respond", "attachments")
    parser_classes = [JSONParser, MultiPartParser, FormParser]

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

    def _conflict(self, exc: services.DisputeConflict) -> Response:
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)

    def perform_create(self, serializer):
        allowed = {"vendor", "type", "severity", "title", "description", *services.CREATE_FIELDS}
        data = {k: v for k, v in serializer.validated_data.items() if k in allowed}
        if self.request.user.is_partner:
            data.pop("owner", None)
        try:
            serializer.instance = services.dispute_create(by=self.request.user, **data)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise _as_drf(exc) from exc

    def update(self, request, *args, **kwargs):
        dispute = self.get_object()
        serializer = self.get_serializer(
            dispute, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        expected = request.data.get("version") if hasattr(request.data, "get") else None
        try:
            expected = int(expected) if expected not in (None, "") else None
        except (TypeError, ValueError):
            raise ValidationError({"version": ["A whole number."]}) from None
        try:
            services.dispute_update(
                dispute=dispute,
                by=request.user,
                changes=dict(serializer.validated_data),
                expected_version=expected,
            )
        except services.DisputeConflict as exc:
            return self._conflict(exc)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise _as_drf(exc) from exc
        return Response(self.get_serializer(dispute).data)

    def _events(self, dispute: Dispute, kinds=None):
        qs = DisputeEvent.objects.visible_to(self.request.user).filter(dispute=dispute)
        if kinds:
            qs = qs.filter(kind__in=kinds)
        return qs.select_related("author", "dispute")

    @extend_schema(request=CommentSerializer, responses=EventSerializer(many=True))
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
        try:
            event = services.dispute_comment(
                dispute=dispute, by=request.user, **serializer.validated_data
            )
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise _as_drf(exc) from exc
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

    @extend_schema(request=TransitionSerializer, responses=DisputeSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the dispute along its workflow: 400 illegal, 403 role, 409 conflict."""
        dispute = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.dispute_transition(
                dispute=dispute, by=request.user, **serializer.validated_data
            )
        except services.DisputeConflict as exc:
            return self._conflict(exc)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise _as_drf(exc) from exc
        return Response(self.get_serializer(dispute).data)

    @extend_schema(request=RespondSerializer, responses=DisputeSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """The vendor's answer: reply, root cause, action plan."""
        dispute = self.get_object()
        serializer = RespondSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.dispute_respond(dispute=dispute, by=request.user, **serializer.validated_data)
        except services.DisputeConflict as exc:
            return self._conflict(exc)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise _as_drf(exc) from exc
        return Response(self.get_serializer(dispute).data)

    @extend_schema(request=AttachmentSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        """Attach evidence (PDF/DOCX) to the timeline."""
        dispute = self.get_object()
        serializer = AttachmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            event = services.dispute_comment(
                dispute=dispute,
                by=request.user,
                body=data["body"],
                internal=data["internal"],
                attachment=data["file"],
            )
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise _as_drf(exc) from exc
        return Response(
            EventSerializer(event, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


def register(router) -> None:
    """Add this app's viewsets to the shared router (see vendorhub/urls.py)."""
    router.register("disputes", DisputeViewSet, basename="dispute")
