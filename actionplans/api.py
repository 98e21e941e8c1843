"""``/api/v1/action-plans/`` (public, SPEC section 6) and its actions.

List, create, retrieve and update (never delete); ``transition``, ``milestones`` (GET,
POST), ``milestones/{milestone_id}`` (PATCH ``done``), ``timeline`` (GET) and
``comments`` (POST, with an optional evidence ``file``). Scoping comes from
``ScopedViewSet`` (another vendor's plan is a 404); roles and the workflow from
``services``. Changes to the plan name the version they read (``version`` or
``If-Match``): 428 without, 409 when stale.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from vendorhub.api import VERSION_ERRORS, ScopedModelViewSet, VersionedWriteMixin
from vendorhub.parsers import API_PARSER_CLASSES

from . import services
from .measurement import plan_escalate
from .models import ActionPlan, PlanEvent, PlanStatus
from .serializers import (
    ActionPlanSerializer,
    ActionPlanUpdateSerializer,
    MilestoneDoneSerializer,
    MilestoneSerializer,
    PlanCommentSerializer,
    PlanEscalateSerializer,
    PlanEventSerializer,
    PlanTransitionSerializer,
)


class ActionPlanFilter(filters.FilterSet):
    vendor = filters.CharFilter(field_name="vendor__slug", label="Vendor slug")
    status = filters.ChoiceFilter(choices=PlanStatus.choices)
    kpi = filters.CharFilter(field_name="kpi__code", label="KPI code")
    overdue = filters.BooleanFilter(method="filter_overdue", label="Overdue today")

    class Meta:
        model = ActionPlan
        fields = ["vendor", "status", "dispute", "kpi", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = ActionPlan.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


@extend_schema_view(
    update=extend_schema(responses={200: ActionPlanUpdateSerializer, **VERSION_ERRORS}),
    partial_update=extend_schema(responses={200: ActionPlanUpdateSerializer, **VERSION_ERRORS}),
)
class ActionPlanViewSet(VersionedWriteMixin, ScopedModelViewSet):
    """Corrective action plans. A partner proposes for its own vendor and ticks the
    vendor's milestones; only managers agree, verify, fail or cancel."""

    queryset = ActionPlan.objects.all()
    serializer_class = ActionPlanSerializer
    filterset_class = ActionPlanFilter
    ordering_fields = ["due_date", "created_at", "status"]
    ordering = ["due_date", "id"]
    partner_write_actions = (
        "create",
        "update",
        "partial_update",
        "transition",
        "milestones",
        "milestone",
        "comments",
    )
    parser_classes = API_PARSER_CLASSES

    def narrow(self, queryset):
        return queryset.select_related(
            "vendor", "proposed_by", "agreed_by", "kpi", "dispute"
        ).prefetch_related("milestones__done_by")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return ActionPlanUpdateSerializer
        return super().get_serializer_class()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        milestones = data.pop("milestones_to_add", [])
        for milestone in milestones:
            milestone.pop("done_at", None)
        serializer.instance = services.plan_create(
            by=self.request.user, milestones=milestones, **data
        )

    def update(self, request, *args, **kwargs):
        plan = self.get_object()
        serializer = self.get_serializer(
            plan, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        named = changes.pop("version", None)
        changes.pop("milestones_to_add", None)
        expected = self.expected_version(request, {"version": named}, required=False)
        services.plan_update(
            plan=plan,
            by=request.user,
            changes=changes,
            expected_version=expected,
            version_required=True,
        )
        return Response(self.get_serializer(plan).data)

    @extend_schema(
        request=PlanTransitionSerializer, responses={200: ActionPlanSerializer, **VERSION_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the plan: 400 illegal, 403 role, 428 without a version, 409 stale."""
        plan = self.get_object()
        serializer = PlanTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        named = data.pop("version", None)
        services.plan_transition(
            plan=plan,
            by=request.user,
            to=data["to"],
            note=data["note"],
            expected_version=self.expected_version(request, {"version": named}, required=False),
            version_required=True,
        )
        return Response(self.get_serializer(plan).data)

    @extend_schema(methods=["GET"], responses=MilestoneSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=MilestoneSerializer, responses={201: MilestoneSerializer}
    )
    # A plain list of the plan's milestones: not paginated, not filtered like the list.
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def milestones(self, request, pk=None):
        """GET: the plan's milestones. POST ``{title, owner_side, due_date}``: add one
        (a partner adds the vendor's own)."""
        plan = self.get_object()
        if request.method == "POST":
            serializer = MilestoneSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            milestone = services.milestone_add(
                plan=plan, by=request.user, **serializer.validated_data
            )
            return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)
        rows = plan.milestones.select_related("done_by")
        return Response(MilestoneSerializer(rows, many=True).data)

    @extend_schema(
        request=MilestoneDoneSerializer,
        responses=MilestoneSerializer,
        parameters=[OpenApiParameter("milestone_id", int, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"milestones/(?P<milestone_id>[^/.]+)",
        url_name="milestone",
    )
    def milestone(self, request, pk=None, milestone_id=None):
        """PATCH ``{"done": true}``: tick a milestone (a partner: the vendor's only)."""
        plan = self.get_object()
        # The body first: a malformed one is a 400 whichever milestone it names.
        serializer = MilestoneDoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not str(milestone_id).isdigit():
            raise Http404("No such milestone.")
        milestone = get_object_or_404(plan.milestones.all(), pk=milestone_id)
        services.milestone_set_done(
            milestone=milestone, by=request.user, done=serializer.validated_data["done"]
        )
        return Response(MilestoneSerializer(milestone).data)

    @extend_schema(responses=PlanEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        """Every event of the plan, oldest first (the timeline has no internal notes)."""
        events = (
            PlanEvent.objects.visible_to(request.user)
            .filter(plan=self.get_object())
            .select_related("author")
        )
        page = self.paginate_queryset(events)
        data = PlanEventSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(request=PlanCommentSerializer, responses=PlanEventSerializer)
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        """Add to the timeline: a comment, evidence (``file``: PDF, DOCX, XLSX, PNG/JPEG,
        text or CSV, checked by content), or both."""
        plan = self.get_object()
        serializer = PlanCommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.plan_comment(
            plan=plan,
            by=request.user,
            body=serializer.validated_data["body"],
            attachment=serializer.validated_data.get("file"),
            now=timezone.now(),
        )
        return Response(
            PlanEventSerializer(event, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=PlanEscalateSerializer, responses=ActionPlanSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """A failed plan: escalate its open dispute, or open a ``breach`` dispute citing
        the plan's clause (or ``clause``). Managers only; once per plan."""
        plan = self.get_object()
        serializer = PlanEscalateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        plan_escalate(
            plan=plan,
            by=request.user,
            note=serializer.validated_data["note"],
            clause=serializer.validated_data.get("clause"),
        )
        plan.refresh_from_db()
        return Response(self.get_serializer(plan).data)


def register(router) -> None:
    """Add this app's viewset to the shared router (see vendorhub/urls.py)."""
    router.register("action-plans", ActionPlanViewSet, basename="actionplan")
