"""How every API error leaves the server: JSON with field-level messages, never a 500.

One mapping for every endpoint (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``), so views and
services raise what is natural to them and the answer is the same everywhere:

- Django ``ValidationError`` (a service's ``full_clean``) → 400, ``{field: [messages]}``
  (messages about no single field under ``non_field_errors``);
- ``IntegrityError`` (a constraint the database caught first) → 400;
- Django ``PermissionDenied`` → 403 and ``Http404`` → 404 (DRF's own mapping);
- ``vendorhub.concurrency.Conflict`` → 409 and ``PreconditionRequired`` → 428, with the
  row's current version so a client can reload and retry.

Kept apart from ``api.py`` (like ``permissions.py``): DRF imports the handler while
defining its own views, so this module must not import DRF views at import time.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.settings import api_settings

from .concurrency import Conflict, PreconditionRequired


class ConflictError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = Conflict.default_message


class PreconditionRequiredError(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = PreconditionRequired.default_message


def validation_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ``ValidationError`` as DRF's field errors (``__all__`` renamed)."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if not hasattr(exc, "error_dict"):
        return {non_field: list(exc.messages)}
    return {
        (non_field if field == NON_FIELD_ERRORS else field): list(messages)
        for field, messages in exc.message_dict.items()
    }


def as_api_exception(exc: Exception) -> Exception:
    """``exc`` as the DRF exception the client should see (unchanged if DRF knows it)."""
    if isinstance(exc, DjangoValidationError):
        return ValidationError(detail=validation_detail(exc))
    if isinstance(exc, IntegrityError):
        return ValidationError(
            detail={api_settings.NON_FIELD_ERRORS_KEY: ["This conflicts with existing data."]}
        )
    if isinstance(exc, Conflict):
        return ConflictError(detail=str(exc))
    if isinstance(exc, PreconditionRequired):
        return PreconditionRequiredError(detail=str(exc))
    return exc


def exception_handler(exc, context):
    """DRF's handler after ``as_api_exception``; a 409/428 also names the current
    version (body ``current_version`` and the ``ETag`` header) so a client can reload."""
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(as_api_exception(exc), context)
    versioned = isinstance(exc, Conflict | PreconditionRequired)
    if response is not None and versioned and exc.current_version is not None:
        response.data["current_version"] = exc.current_version
        response["ETag"] = etag_for(exc.current_version)
    return response


def etag_for(version: int) -> str:
    """The ETag of a versioned row: its version, quoted (``If-Match`` sends it back)."""
    return f'"{version}"'
