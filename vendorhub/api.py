"""REST API foundations (``/api/v1/``) and the core endpoints.

``ScopedViewSet`` is the base of every endpoint in every app: it applies the model's
``visible_to(user)`` in ``get_queryset()`` (so list, detail, update and actions are all
scoped; outside the scope is 404) and ``RolePermission`` (reads for every signed-in
role, writes for managers, 403 for the rest). Subclasses only narrow the queryset and
may open single actions to partners with ``partner_write_actions``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from .models import Notification, Service, Vendor
from .notifications import mark_all_read
from .permissions import RolePermission

__all__ = ["RolePermission", "ScopedModelViewSet", "ScopedViewSet"]


class ScopedViewSet(viewsets.GenericViewSet):
    """Base viewset: the queryset is always ``visible_to(request.user)``."""

    partner_write_actions: tuple[str, ...] = ()
    any_role_write_actions: tuple[str, ...] = ()

    def get_queryset(self):
        return self.narrow(super().get_queryset().visible_to(self.request.user))

    def narrow(self, queryset):
        """Subclasses add select_related / filters here; scoping is already applied."""
        return queryset

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer)

    def _save(self, serializer):
        try:
            serializer.save()
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc


class ScopedModelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Read for all in scope, create/update for managers. No delete: nothing is lost."""

    # DRF's mixins come first in the bases: route their saves through ``_save`` here.
    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer)


class ModelCleanMixin:
    """Run the model's ``full_clean`` so API and forms enforce the same rules."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance or self.Meta.model()
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return attrs


# --- Auth --------------------------------------------------------------------------
class TokenView(ObtainAuthToken):
    """``POST {"username", "password"}`` → ``{"token"}``; throttled against guessing."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    permission_classes = []

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


# --- Vendors -----------------------------------------------------------------------
class VendorSerializer(ModelCleanMixin, serializers.ModelSerializer):
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=Service.choices), required=False
    )
    relationship_owner = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    url = serializers.HyperlinkedIdentityField(view_name="vendor-detail", lookup_field="slug")

    class Meta:
        model = Vendor
        fields = [
            "url",
            "id",
            "name",
            "slug",
            "country",
            "timezone",
            "status",
            "services",
            "working_hours_start",
            "working_hours_end",
            "working_days",
            "relationship_owner",
            "website",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request and request.user.is_partner:
            data.pop("notes", None)  # internal to the client side
        return data


class VendorFilter(filters.FilterSet):
    class Meta:
        model = Vendor
        fields = ["status", "country"]


class VendorViewSet(ScopedModelViewSet):
    queryset = Vendor.objects.all()
    serializer_class = VendorSerializer
    lookup_field = "slug"
    filterset_class = VendorFilter
    ordering_fields = ["name", "updated_at"]
    ordering = ["name"]

    def narrow(self, queryset):
        return queryset.select_related("relationship_owner")


# --- Notifications -----------------------------------------------------------------
class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "created_at", "read_at"]
        read_only_fields = fields


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="Unread only")

    class Meta:
        model = Notification
        fields = ["kind", "unread"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The caller's own notifications. Everyone may mark their own as read."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    # Marking one's own notification read is not an edit of shared data.
    any_role_write_actions = ("read", "read_all")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notification.mark_read(timezone.now())
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None, responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()})
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = mark_all_read(request.user, timezone.now())
        return Response({"marked": marked}, status=status.HTTP_200_OK)
