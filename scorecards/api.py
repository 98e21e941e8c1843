"""REST endpoints of the scorecards app, registered on the /api/v1/ router.

- ``/api/v1/kpis/`` (lookup: code): read for all, write for managers.
- ``/api/v1/targets/`` (``?vendor=<slug>&kpi=<code>``).
- ``/api/v1/measurements/`` (``?vendor=&kpi=&granularity=&period_start_after=&
  period_start_before=``). ``POST`` takes one object or a JSON list and upserts on
  (vendor, kpi, period_start, granularity, supplied_by). A list is all or nothing:
  ``400 {"errors": [{field: [messages]}, {}, ...]}`` aligned with the items, or
  ``200 {"created": n, "updated": m}``. An item that changes an existing row names the
  ``version`` it read (428 without, 409 stale, errors aligned the same way); ``PUT`` /
  ``PATCH`` on ``/measurements/{id}/`` change one row's figures the same way.
- ``/api/v1/scorecards/?vendor=<slug>&period=YYYY-MM|YYYY-Qn`` (read-only).
- ``/api/v1/credits/`` (``?vendor=&contract=&status=&period=YYYY-MM``): the service-credit
  lifecycle. ``POST`` ``{contract, period, to, reason, amount}`` (managers) makes the
  first move of a month's credit; ``POST {id}/transition/`` the next ones;
  ``POST {id}/dispute/`` ``{reason}`` is the vendor's dispute of a claim (its partners).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from vendorhub.access import speaks_for_vendor
from vendorhub.api import (
    VERSION_ERRORS,
    ScopedModelViewSet,
    ScopedViewSet,
    VersionedWriteMixin,
)
from vendorhub.models import Vendor
from vendorhub.pagination import KeysetPagination

from .models import KPI, Measurement, ServiceCredit, Source, Target, parse_period, period_bounds
from .relationship import relationship_factors
from .scoring import compute_scorecards
from .serializers import (
    CreditCreateSerializer,
    CreditDisputeSerializer,
    CreditMoveSerializer,
    ImportResultSerializer,
    KPISerializer,
    MeasurementImportSerializer,
    MeasurementInputSerializer,
    MeasurementSerializer,
    ServiceCreditSerializer,
    TargetSerializer,
)
from .services import (
    BulkValidationError,
    StaleItems,
    UnversionedItems,
    credit_dispute,
    credit_transition,
    kpi_save,
    measurement_update,
    measurements_import,
    measurements_upsert,
    target_save,
)
from .views_common import resolve_period


class KPIViewSet(ScopedModelViewSet):
    queryset = KPI.objects.all()
    serializer_class = KPISerializer
    lookup_field = "code"
    filterset_fields = ["direction", "aggregation", "is_active"]

    def save_instance(self, instance, serializer):
        return kpi_save(kpi=instance, by=self.request.user)


class TargetFilter(filters.FilterSet):
    vendor = filters.CharFilter(field_name="vendor__slug")
    kpi = filters.CharFilter(field_name="kpi__code")

    class Meta:
        model = Target
        fields = ["vendor", "kpi"]


class TargetViewSet(ScopedModelViewSet):
    queryset = Target.objects.all()
    serializer_class = TargetSerializer
    filterset_class = TargetFilter

    def narrow(self, queryset):
        return queryset.select_related("vendor", "kpi").order_by(
            "vendor__name", "kpi__sort_order", "-effective_from"
        )

    def save_instance(self, instance, serializer):
        return target_save(target=instance, by=self.request.user)


class MeasurementFilter(filters.FilterSet):
    vendor = filters.CharFilter(field_name="vendor__slug")
    kpi = filters.CharFilter(field_name="kpi__code")
    period_start = filters.DateFromToRangeFilter()

    class Meta:
        model = Measurement
        fields = ["vendor", "kpi", "granularity", "supplied_by", "period_start"]


@extend_schema_view(
    update=extend_schema(responses={200: MeasurementSerializer, **VERSION_ERRORS}),
    partial_update=extend_schema(responses={200: MeasurementSerializer, **VERSION_ERRORS}),
)
class MeasurementViewSet(
    VersionedWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Measurements: list, upsert (POST), and edits of one row's figures (PUT/PATCH).

    Every change of an existing row names the ``version`` read (body or ``If-Match``):
    428 without it, 409 when someone else changed the row first.
    """

    queryset = Measurement.objects.all()
    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilter
    # Partners submit (upsert, import) their own vendor's data, always vendor-reported:
    # the services check each row (another vendor's slug reads as unknown).
    partner_write_actions = ("create", "import_measurements")
    # 2,000,000 rows: next/previous by position, no COUNT(*), deep pages as fast as page 1.
    pagination_class = KeysetPagination
    ordering = ["-period_start", "id"]
    ordering_fields = ["period_start", "updated_at"]

    def narrow(self, queryset):
        return queryset.select_related("vendor", "kpi").order_by("-period_start", "id")

    @extend_schema(
        request=MeasurementInputSerializer(many=True),
        responses={
            200: inline_serializer(
                "UpsertResult",
                {"created": serializers.IntegerField(), "updated": serializers.IntegerField()},
            ),
            201: MeasurementSerializer,
            **VERSION_ERRORS,
        },
        description="Upsert one measurement (object → 201) or many (list → 200), all or nothing.",
    )
    def create(self, request, *args, **kwargs):
        many = isinstance(request.data, list)
        items = request.data if many else [request.data]
        try:
            result = measurements_upsert(
                items=items, by=request.user, source=Source.API, require_versions=True
            )
        except BulkValidationError as exc:
            body = {"errors": exc.errors} if many else exc.errors[0]
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        except (UnversionedItems, StaleItems) as exc:
            code = 428 if isinstance(exc, UnversionedItems) else status.HTTP_409_CONFLICT
            body = {"detail": str(exc)}
            body.update({"errors": exc.errors} if many else exc.errors[0])
            return Response(body, status=code)
        if many:
            return Response({"created": result.created, "updated": result.updated})
        return Response(
            MeasurementSerializer(result.measurements[0], context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=MeasurementImportSerializer,
        responses={200: ImportResultSerializer, 400: ImportResultSerializer},
        description=(
            "Import one vendor's data (csv, genesys_cloud or amazon_connect), all or "
            "nothing; re-importing the same data updates rather than duplicates. "
            "dry_run answers what would happen and writes nothing."
        ),
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_measurements(self, request):
        serializer = MeasurementImportSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            problems = [
                {"row": None, "field": name, "message": str(message)}
                for name, messages in serializer.errors.items()
                for message in (messages if isinstance(messages, list) else [messages])
            ]
            return Response(
                {"created": 0, "updated": 0, "errors": problems},
                status=status.HTTP_400_BAD_REQUEST,
            )
        data = serializer.validated_data
        upload = data.get("file")
        result = measurements_import(
            vendor=data["vendor"],
            format=data["format"],
            data=upload.read() if upload is not None else data["payload"],
            by=request.user,
            dry_run=data["dry_run"],
            supplied_by=data.get("supplied_by"),
            source=Source.API,
        )
        code = status.HTTP_200_OK if result.ok else status.HTTP_400_BAD_REQUEST
        return Response(result.as_dict(), status=code)

    def perform_update(self, serializer):
        changes = dict(serializer.validated_data)
        expected = self.expected_version(self.request, {"version": changes.pop("version", None)})
        serializer.instance = measurement_update(
            measurement=serializer.instance,
            by=self.request.user,
            changes=changes,
            expected_version=expected,
        )


class ScorecardViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Computed scorecards of the vendors the caller may see, for one period."""

    queryset = Vendor.objects.all()
    filter_backends: list = []

    def narrow(self, queryset):
        slug = self.request.query_params.get("vendor")
        if slug:
            queryset = queryset.filter(slug=slug)
        return queryset.order_by("name").only("id", "slug", "name")

    @extend_schema(
        parameters=[
            OpenApiParameter("vendor", str, description="Vendor slug."),
            OpenApiParameter("period", str, description="YYYY-MM or YYYY-Qn; default last month."),
        ],
        responses=inline_serializer(
            "Scorecard",
            {
                "vendor": serializers.CharField(),
                "period": serializers.CharField(),
                "overall_score": serializers.FloatField(allow_null=True),
                "kpis": serializers.ListField(child=serializers.DictField()),
                "relationship": serializers.DictField(),
            },
        ),
    )
    def list(self, request, *args, **kwargs):
        try:
            kind, start = resolve_period(request.query_params.get("period"))
        except ValueError as exc:
            return Response({"period": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        queryset = self.get_queryset()
        if request.query_params.get("vendor") and not queryset.exists():
            raise Http404
        page = self.paginate_queryset(queryset)
        vendors = list(page if page is not None else queryset)
        ids = [v.pk for v in vendors]
        cards = compute_scorecards(ids, kind, [start])
        factors = relationship_factors(ids, *period_bounds(kind, start))
        data = []
        for vendor in vendors:
            card = cards[(vendor.pk, start)]
            card.relationship = factors[vendor.pk]
            item = card.as_dict(vendor.slug)
            item.pop("trend")
            data.append(item)
        return self.get_paginated_response(data) if page is not None else Response(data)


class ServiceCreditFilter(filters.FilterSet):
    vendor = filters.CharFilter(field_name="vendor__slug")
    contract = filters.CharFilter(field_name="contract__reference")
    period = filters.CharFilter(method="filter_period")

    class Meta:
        model = ServiceCredit
        fields = ["vendor", "contract", "status", "period"]

    def filter_period(self, queryset, name, value):
        try:
            _kind, start = parse_period(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(period_start=start)


class ServiceCreditViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Service credits per contract and month: indicative → claimed → agreed → settled,
    or waived with a reason. Managers move them; the vendor's partners dispute a claim."""

    queryset = ServiceCredit.objects.all()
    serializer_class = ServiceCreditSerializer
    filterset_class = ServiceCreditFilter
    partner_write_actions = ("dispute",)

    def narrow(self, queryset):
        return queryset.select_related(
            "vendor",
            "contract",
            "dispute",
            "claimed_by",
            "agreed_by",
            "settled_by",
            "waived_by",
        ).order_by("-period_start", "contract__reference")

    def _answer(self, credit, code=status.HTTP_200_OK):
        credit = self.narrow(ServiceCredit.objects.filter(pk=credit.pk)).get()
        return Response(self.get_serializer(credit).data, status=code)

    @extend_schema(request=CreditCreateSerializer, responses={200: ServiceCreditSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CreditCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            _kind, start = parse_period(data["period"])
        except ValueError as exc:
            return Response({"period": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        credit = credit_transition(
            contract=data["contract"],
            period_start=start,
            to=data["to"],
            by=request.user,
            reason=data["reason"],
            amount=data["amount"],
        )
        return self._answer(credit)

    @extend_schema(request=CreditMoveSerializer, responses={200: ServiceCreditSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        credit = self.get_object()
        serializer = CreditMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        credit = credit_transition(
            contract=credit.contract,
            period_start=credit.period_start,
            by=request.user,
            **serializer.validated_data,
        )
        return self._answer(credit)

    @extend_schema(request=CreditDisputeSerializer, responses={200: ServiceCreditSerializer})
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        credit = self.get_object()
        if not speaks_for_vendor(request.user, credit.vendor_id):
            raise PermissionDenied("Only the vendor disputes a claim against it.")
        serializer = CreditDisputeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        credit = credit_dispute(
            credit=credit, by=request.user, reason=serializer.validated_data["reason"]
        )
        return self._answer(credit)


def register(router) -> None:
    """Add this app's viewsets to the shared router (see vendorhub/urls.py)."""
    router.register("kpis", KPIViewSet, basename="kpi")
    router.register("targets", TargetViewSet, basename="target")
    router.register("measurements", MeasurementViewSet, basename="measurement")
    router.register("scorecards", ScorecardViewSet, basename="scorecard")
    router.register("credits", ServiceCreditViewSet, basename="credit")
