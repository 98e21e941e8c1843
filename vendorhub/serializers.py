"""Serializer pieces every app's API shares.

- ``ScopedRelatedField``: a related object named by slug, code, username or id, looked
  up only among the objects the caller may see. Another vendor's object therefore reads
  as "does not exist", exactly like a made-up one: a 400 on the field that leaks nothing.
- ``VersionField``: the ``version`` of a versioned row, read and written.
- ``SometimesOmitsFields``: a serializer whose answers leave some fields out for some
  callers (``sometimes_omitted``); the schema lists them as optional.
- ``NullableRelatedFieldSchema``: read-only related fields over nullable foreign keys
  are ``nullable`` in the OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from drf_spectacular.extensions import (
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

#: ``scope(queryset, user) -> queryset``: narrows the choices for ``user``.
Scope = Callable[[QuerySet, Any], QuerySet]


def visible(queryset: QuerySet, user) -> QuerySet:
    """The default scope: the model's own ``visible_to(user)``."""
    return queryset.visible_to(user)


class ScopedRelatedField(serializers.SlugRelatedField):
    """A related object by ``slug_field`` (default ``pk``) among those the caller may see.

    ``scope`` narrows the queryset for the request's user; it defaults to the model's
    ``visible_to``. A value outside the scope gets the same message as an unknown one.
    """

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "does_not_exist": "No such object among those you may use: {slug_name}={value}.",
    }

    def __init__(self, *, slug_field: str = "pk", scope: Scope | None = visible, **kwargs):
        self.scope = scope
        super().__init__(slug_field=slug_field, **kwargs)

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if self.scope is None:
            return queryset
        if user is None:
            return queryset.none()
        return self.scope(queryset, user)

    def use_pk_only_optimization(self) -> bool:
        # By id, the output reads ``<field>_id`` instead of loading each related row.
        return self.slug_field == "pk"

    def to_internal_value(self, data):
        if self.slug_field == "pk" and (isinstance(data, bool) or not str(data).isdigit()):
            self.fail("invalid")
        return super().to_internal_value(data)


class VersionField(serializers.IntegerField):
    """``version``: read, the row's version; written, the version the change is based on.

    Optional in the serializer; the view requires it on updates
    (``VersionedWriteMixin.expected_version``) and passes it to the service.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault(
            "help_text",
            "The version you read; required on updates (or If-Match). A stale one is a 409.",
        )
        super().__init__(**kwargs)


class ScopedRelatedFieldSchema(OpenApiSerializerFieldExtension):
    """In the OpenAPI schema a ``ScopedRelatedField`` by id is an integer; by slug, code
    or username it is typed like that model field."""

    target_class = ScopedRelatedField

    def map_serializer_field(self, auto_schema, direction):
        if self.target.slug_field == "pk":
            return build_basic_type(OpenApiTypes.INT)
        return auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)


class NullableRelatedFieldSchema(OpenApiSerializerFieldExtension):
    """A read-only related field over a nullable foreign key (``owner``, ``added_by``)
    answers ``null`` when there is none: the schema says so, for every serializer,
    without each declaration having to repeat ``allow_null=True``."""

    target_class = "rest_framework.relations.RelatedField"
    match_subclasses = True
    priority = -1  # a more specific extension (ScopedRelatedFieldSchema) wins

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if self.target.read_only and _over_nullable_model_field(self.target):
            schema["nullable"] = True
        return schema


def _over_nullable_model_field(field: serializers.Field) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or len(field.source_attrs) != 1:
        return False
    try:
        return bool(model._meta.get_field(field.source_attrs[0]).null)
    except FieldDoesNotExist:
        return False


class SometimesOmitsFields:
    """Mixin for a serializer whose ``to_representation`` leaves the fields named in
    ``sometimes_omitted`` out of some callers' answers (a partner never sees whether a
    comment is internal). drf-spectacular documents every read-only field as always
    present; ``SometimesOmitsFieldsSchema`` takes these out of ``required``."""

    sometimes_omitted: tuple[str, ...] = ()


class SometimesOmitsFieldsSchema(OpenApiSerializerExtension):
    target_class = SometimesOmitsFields
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        omitted = set(self.target.sometimes_omitted)
        required = [name for name in schema.get("required", []) if name not in omitted]
        if required:
            schema["required"] = required
        else:
            schema.pop("required", None)
        return schema
