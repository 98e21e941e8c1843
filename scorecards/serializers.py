"""API shapes of the scorecards app (public field names from the SPEC)."""

from __future__ import annotations

from rest_framework import serializers

from contracts.models import Clause, Contract
from vendorhub.models import Vendor
from vendorhub.serializers import ScopedRelatedField, VersionField

from .models import KPI, Measurement, Target


class KPISerializer(serializers.ModelSerializer):
    class Meta:
        model = KPI
        fields = [
            "code",
            "name",
            "unit",
            "direction",
            "aggregation",
            "description",
            "volume_label",
            "numerator_label",
            "is_library",
            "is_active",
        ]
        read_only_fields = ["is_library"]


class TargetSerializer(serializers.ModelSerializer):
    vendor = ScopedRelatedField(slug_field="slug", queryset=Vendor.objects.all())
    kpi = ScopedRelatedField(slug_field="code", queryset=KPI.objects.all(), scope=None)
    contract = ScopedRelatedField(queryset=Contract.objects.all(), required=False, allow_null=True)
    clause = ScopedRelatedField(queryset=Clause.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "vendor",
            "kpi",
            "target",
            "threshold",
            "weight",
            "effective_from",
            "effective_to",
            "contract",
            "clause",
            "notes",
        ]
        read_only_fields = ["id"]


class MeasurementSerializer(serializers.ModelSerializer):
    """A measurement; ``PUT``/``PATCH`` change its figures and name the ``version`` read."""

    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kpi = serializers.SlugRelatedField(slug_field="code", read_only=True)
    version = VersionField()

    class Meta:
        model = Measurement
        fields = [
            "id",
            "vendor",
            "kpi",
            "period_start",
            "granularity",
            "value",
            "volume",
            "numerator",
            "denominator",
            "source",
            "supplied_by",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "id",
            "vendor",
            "kpi",
            "period_start",
            "granularity",
            "source",
            "supplied_by",
            "updated_at",
        ]


class MeasurementInputSerializer(serializers.Serializer):
    """Documentation of one item of ``POST /api/v1/measurements/`` (object or list)."""

    vendor = serializers.SlugField()
    kpi = serializers.SlugField()
    period_start = serializers.DateField()
    granularity = serializers.ChoiceField(choices=["day", "week", "month"], default="day")
    value = serializers.FloatField(required=False)
    volume = serializers.IntegerField(required=False, allow_null=True)
    numerator = serializers.FloatField(required=False, allow_null=True)
    denominator = serializers.FloatField(required=False, allow_null=True)
    supplied_by = serializers.ChoiceField(choices=["vendor", "client"], default="vendor")
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Required when the item updates an existing measurement: the version read.",
    )
