"""REST API foundations (``/api/v1/``) and the core endpoints.

``ScopedViewSet`` is the base of every endpoint in every app:

- it applies the model's ``visible_to(user)`` in ``get_queryset()``, so list, detail,
  update and actions are all scoped: outside the scope is 404;
- on an object route, a write first looks the object up in that scope, then checks the
  role: another vendor's object is a 404 for everyone (existence is not leaked), a
  read-only role in scope gets 403 (``RolePermission``);
- every write request runs in one transaction that is rolled back when the answer is
  an error, so no request leaves a partial row;
- errors leave through one mapping (``vendorhub.api_errors``).

``ScopedModelViewSet`` adds list/retrieve/create/update (never delete); its writes build
the instance from the validated data and hand it to the app's service
(``save_instance``), which validates the whole row (``full_clean``) before writing.
``VersionedWriteMixin`` makes writes to a versioned model name the version they were
based on (428 without it, 409 when stale; ``vendorhub.concurrency``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.db import models, transaction
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from .api_errors import etag_for
from .concurrency import PreconditionRequired
from .models import Notification, Service, Vendor
from .notifications import mark_all_read
from .parsers import API_PARSER_CLASSES
from .permissions import RolePermission
from .ratelimit import login_attempt, login_failed
from .services import vendor_save
from .tokens import api_token_issue

__all__ = [
    "VERSION_ERRORS",
    "RolePermission",
    "ScopedModelViewSet",
    "ScopedViewSet",
    "VersionedWriteMixin",
]


class ScopedViewSet(viewsets.GenericViewSet):
    """Base viewset: the queryset is always ``visible_to(request.user)``."""

    partner_write_actions: tuple[str, ...] = ()
    any_role_write_actions: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        """A write is all or nothing: its transaction is rolled back on any error answer
        (a 4xx raised after a first row was written must not leave that row)."""
        if request.method in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
        return response

    def get_queryset(self):
        return self.narrow(super().get_queryset().visible_to(self.request.user))

    def narrow(self, queryset):
        """Subclasses add select_related / filters here; scoping is already applied."""
        return queryset

    def is_object_route(self) -> bool:
        return (self.lookup_url_kwarg or self.lookup_field) in self.kwargs

    def check_permissions(self, request) -> None:
        """404 before 403: a write to an object is first looked up in the caller's scope,
        so a partner writing to another vendor's object learns nothing, not even that it
        exists; only then may the role be refused (403)."""
        user = request.user
        if (
            request.method not in SAFE_METHODS
            and user
            and user.is_authenticated
            and self.is_object_route()
        ):
            self.get_object()
        super().check_permissions(request)

    def get_object(self):
        # Looked up once per request: the permission check above and the view share it.
        cached = getattr(self, "_scoped_object", None)
        if cached is None:
            cached = self._scoped_object = super().get_object()
        return cached


class ScopedModelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Read for all in scope, create/update for managers. No delete: nothing is lost."""

    # DRF's mixins come first in the bases: their bare ``serializer.save()`` is replaced
    # here by the app's service, which validates the whole row before writing it.
    def perform_create(self, serializer) -> None:
        serializer.instance = self.save_instance(self.build_instance(serializer), serializer)

    def perform_update(self, serializer) -> None:
        serializer.instance = self.save_instance(self.build_instance(serializer), serializer)

    def build_instance(self, serializer) -> models.Model:
        """The row as the request wants it, unsaved (the serializer's data applied)."""
        instance = serializer.instance or self.get_queryset().model()
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        return instance

    def save_instance(self, instance: models.Model, serializer) -> models.Model:
        """Validate and save ``instance`` through the app's service (one per viewset)."""
        raise NotImplementedError(f"{type(self).__name__} must save through a service.")


class VersionedWriteMixin:
    """Writes to a versioned model (``version`` column) name the version they read.

    The version comes from the body (``version``) or from ``If-Match`` with the ETag
    that ``retrieve`` sends; without one the answer is 428, a stale one 409 (raised by
    the service through ``vendorhub.concurrency``).
    """

    def expected_version(
        self, request, data: dict[str, Any] | None = None, *, required: bool = True
    ) -> int | None:
        """The version the write names (body, else ``If-Match``). Missing: 428 when
        ``required``, else ``None`` for the service to refuse after its role checks."""
        raw = (data or {}).get("version")
        if raw is None and hasattr(request.data, "get"):
            raw = request.data.get("version")
        if raw in (None, ""):
            raw = _if_match_version(request.headers.get("If-Match", ""))
        if raw in (None, "") and not required:
            return None
        if raw in (None, ""):
            current = None
            if self.is_object_route():
                current = getattr(self.get_object(), "version", None)
            raise PreconditionRequired(current_version=current)
        try:
            version = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({"version": ["A whole number: the version you read."]}) from None
        if version < 1:
            raise ValidationError({"version": ["A whole number: the version you read."]})
        return version

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag_for(self.get_object().version)
        return response


class VersionErrorSerializer(serializers.Serializer):
    """The body of a 409 or 428: what to do, and the row's current version."""

    detail = serializers.CharField()
    current_version = serializers.IntegerField(required=False)


#: ``responses`` of every versioned write, for the OpenAPI schema.
VERSION_ERRORS = {
    409: OpenApiResponse(VersionErrorSerializer, "Someone else changed it since that version."),
    428: OpenApiResponse(VersionErrorSerializer, "No version (field or If-Match) was sent."),
}


def _if_match_version(header: str) -> str | None:
    """The version inside ``If-Match: "7"`` (or ``W/"7"``); ``None`` without one."""
    value = header.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    return value or None


# --- Auth --------------------------------------------------------------------------
class LoginThrottle(BaseThrottle):
    """Per client address across usernames, and per username across addresses: the same
    budgets as the log-in page (``vendorhub.ratelimit``), shared by every worker."""

    def allow_request(self, request, view) -> bool:
        username = request.data.get("username", "") if hasattr(request.data, "get") else ""
        self.verdict = login_attempt(request, str(username))
        return self.verdict.allowed

    def wait(self) -> float:
        return self.verdict.retry_after


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenView(APIView):
    """``POST {"username", "password"}`` → ``{"token", "expires_at"}``; throttled.

    Each call issues a new key (only its digest is stored, so an old one cannot be
    shown again); it expires after ``API_TOKEN_LIFETIME``.
    """

    authentication_classes: list = []  # credentials are in the body; no session, no CSRF
    permission_classes: list = []
    throttle_classes = [LoginThrottle]
    # This endpoint is anonymous, so above all it must use the depth-limited parser.
    parser_classes = API_PARSER_CLASSES

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()},
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        user = authenticate(
            request=request, username=username, password=serializer.validated_data["password"]
        )
        if user is None or not user.is_active:
            login_failed(username)
            raise ValidationError(
                {"non_field_errors": ["Unable to log in with provided credentials."]}
            )
        key, token = api_token_issue(user=user)
        return Response({"token": key, "expires_at": token.expires_at})


# --- Vendors -----------------------------------------------------------------------
class VendorSerializer(serializers.ModelSerializer):
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

    def save_instance(self, instance, serializer):
        return vendor_save(vendor=instance, by=self.request.user)


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
