"""API shapes of the scorecards app (public field names from the SPEC)."""

from __future__ import annotations

from rest_framework import serializers

from contracts.models import Clause, Contract
from vendorhub.models import Vendor
from vendorhub.serializers import ScopedRelatedField, VersionField

from .forms import MAX_UPLOAD_BYTES
from .models import KPI, CreditMove, Measurement, ServiceCredit, SuppliedBy, Target
from .services.imports import ImportFormat


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
    supplied_by = serializers.ChoiceField(choices=SuppliedBy.choices, default="vendor")
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Required when the item updates an existing measurement: the version read.",
    )


class MeasurementImportSerializer(serializers.Serializer):
    """``POST /api/v1/measurements/import/`` (public): one vendor's data in one format,
    as a ``file`` (multipart) or a ``payload`` (JSON: the platform's response object,
    or the CSV text as a string)."""

    vendor = ScopedRelatedField(slug_field="slug", queryset=Vendor.objects.all())
    format = serializers.ChoiceField(choices=ImportFormat.choices)
    file = serializers.FileField(required=False)
    payload = serializers.JSONField(required=False)
    dry_run = serializers.BooleanField(default=False)
    supplied_by = serializers.ChoiceField(
        choices=SuppliedBy.choices,
        required=False,
        help_text="Managers: client (default) or vendor. Partners always submit vendor-reported.",
    )

    def validate(self, attrs):
        has_file, has_payload = "file" in attrs, "payload" in attrs
        if has_file == has_payload:
            raise serializers.ValidationError(
                {"payload": ["Send the data as either file (multipart) or payload (JSON)."]}
            )
        upload = attrs.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError({"file": ["The file is larger than 5 MB."]})
        return attrs


class ImportProblemSerializer(serializers.Serializer):
    row = serializers.CharField(allow_null=True, help_text="CSV line (header = 1) or JSON path.")
    field = serializers.CharField()
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = ImportProblemSerializer(many=True)


class ServiceCreditSerializer(serializers.ModelSerializer):
    """A contract's service credit for one month and where it stands (read-only)."""

    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    contract = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    period = serializers.CharField(read_only=True)
    dispute = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    claimed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    agreed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    settled_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    waived_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ServiceCredit
        fields = [
            "id",
            "vendor",
            "contract",
            "period",
            "currency",
            "at_risk",
            "before_cap",
            "earned",
            "amount",
            "status",
            "published",
            "reason",
            "dispute",
            "claimed_at",
            "claimed_by",
            "agreed_at",
            "agreed_by",
            "settled_at",
            "settled_by",
            "waived_at",
            "waived_by",
        ]
        read_only_fields = fields


class CreditMoveSerializer(serializers.Serializer):
    """``POST /api/v1/credits/{id}/transition/``: the move and its details."""

    to = serializers.ChoiceField(choices=CreditMove.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )


class CreditCreateSerializer(CreditMoveSerializer):
    """``POST /api/v1/credits/``: the first move of a contract's credit for a month."""

    contract = ScopedRelatedField(queryset=Contract.objects.all())
    period = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM")


class CreditDisputeSerializer(serializers.Serializer):
    reason = serializers.CharField()
