"""API shapes of the scorecards app (public field names from the SPEC)."""

from __future__ import annotations

from rest_framework import serializers

from vendorhub.api import ModelCleanMixin
from vendorhub.models import Vendor

from .models import KPI, Measurement, Target


class VisibleVendorField(serializers.SlugRelatedField):
    """A vendor by slug, among those the caller may see (others are 'does not exist')."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", **kwargs)

    def get_queryset(self):
        return Vendor.objects.visible_to(self.context["request"].user)


class KPISerializer(ModelCleanMixin, serializers.ModelSerializer):
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


class TargetSerializer(ModelCleanMixin, serializers.ModelSerializer):
    vendor = VisibleVendorField()
    kpi = serializers.SlugRelatedField(slug_field="code", queryset=KPI.objects.all())

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

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance or Target()
        for name, value in attrs.items():
            setattr(instance, name, value)
        # Runs the overlap and red-line checks of Target.clean with the full row.
        instance.clean()
        return attrs


class MeasurementSerializer(serializers.ModelSerializer):
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kpi = serializers.SlugRelatedField(slug_field="code", read_only=True)

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
        ]
        read_only_fields = fields


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
