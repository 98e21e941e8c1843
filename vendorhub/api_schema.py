"""What the OpenAPI schema says about answers no serializer describes: errors, times.

drf-spectacular documents each operation's success answer from its serializer. The
errors come from one place (``vendorhub.api_errors``) and are the same for every
endpoint, so they are documented in one place too: this post-processing hook
(``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``) adds to every operation the error
statuses it can answer, derived from what the operation is, not listed per view:

- 400 everywhere (a body or a query parameter that does not validate; a NUL anywhere);
- 401 and 403 where a credential is needed (no or an expired token; a role that may
  read but not write, a partner on the client side's routes);
- 404 where the path names an object (outside the caller's scope it does not exist)
  and on paginated lists (a page past the end, a cursor that does not decode);
- 415 where there is a request body (a media type the endpoint does not parse);
- 429 where the view is throttled (the token endpoint).

409 and 428 (optimistic concurrency) stay on the operations that declare them
(``vendorhub.api.VERSION_ERRORS``): only versioned writes answer them. A view that
documents its own body for one of these statuses keeps it, with the generic body as an
alternative (``anyOf``).

It also states time-of-day fields as what they are: local wall-clock times
(``"09:00:00"``) with no UTC offset. JSON Schema's ``format: time`` is RFC 3339's
``full-time``, which requires an offset, so every correct answer would violate it;
such fields get a ``pattern`` instead.

``tests/security/test_fuzz.py`` keeps the schema honest (schemathesis: every status
documented, every body conforming) and ``test_openapi_schema.py`` valid.
"""

from __future__ import annotations

from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

ERROR = "Error"
FIELD_ERRORS = "FieldErrors"

ERROR_SCHEMA = {
    "type": "object",
    "description": "What went wrong, for a person to read.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA = {
    "description": (
        "Field errors: each invalid field (or ``non_field_errors``) with its messages; "
        "``detail`` when the request could not be read at all. A list of such objects "
        "answers a list of items, aligned with the request."
    ),
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "detail": {"type": "string"},
                "non_field_errors": {"type": "array", "items": {"type": "string"}},
            },
            "additionalProperties": {},
        },
        {"type": "array", "items": {}},
    ],
}

DESCRIPTIONS = {
    400: "The request does not validate; nothing was written.",
    401: "No valid token (missing, expired, revoked or for a deactivated user).",
    403: "Your role may not do this (read-only roles, partners on client-side routes).",
    404: "No such object within your scope (another vendor's objects do not exist for "
    "you), or a page past the end of a list.",
    415: "A request body in a media type this endpoint does not read.",
    429: "Too many attempts; retry after the number of seconds in Retry-After.",
}

#: Query parameters of a paginated list (page numbers, keyset cursors): a page past the
#: end or a cursor that does not decode is a 404.
PAGE_PARAMETERS = ("page", "cursor")

#: ``pattern`` of a local time of day as DRF reads and writes it: ``HH:MM[:SS[.ffffff]]``.
TIME_OF_DAY_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


def postprocess_schema(result: dict, generator, request, public) -> dict:
    """The hook: error responses on every operation, time-of-day fields as patterns."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR, ERROR_SCHEMA)
    schemas.setdefault(FIELD_ERRORS, FIELD_ERRORS_SCHEMA)
    throttled = _throttled_operations(generator)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in error_statuses(path, method, operation, (path, method) in throttled):
                if str(status) in responses:
                    _also_generic(responses[str(status)], status)
                else:
                    responses[str(status)] = _error_response(status)
    _times_of_day_as_patterns(result)
    return result


def error_statuses(path: str, method: str, operation: dict, throttled: bool) -> list[int]:
    """The error statuses an operation can answer (see the module docstring)."""
    statuses = [400]
    if any(requirement for requirement in operation.get("security", [])):
        anonymous_allowed = any(not requirement for requirement in operation["security"])
        if not anonymous_allowed:
            statuses.append(401)
        statuses.append(403)
    parameters = operation.get("parameters", [])
    names_an_object = any(p.get("in") == "path" for p in parameters)
    paginated = any(p.get("in") == "query" and p.get("name") in PAGE_PARAMETERS for p in parameters)
    if names_an_object or paginated:
        statuses.append(404)
    if "requestBody" in operation:
        statuses.append(415)
    if throttled:
        statuses.append(429)
    return statuses


def _error_response(status: int) -> dict:
    schema = FIELD_ERRORS if status == 400 else ERROR
    return {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _also_generic(response: dict, status: int) -> None:
    """A view that documents its own body for an error status (an import's row errors
    under 400) still answers the generic one too (a body that is not JSON at all)."""
    generic = {"$ref": f"#/components/schemas/{FIELD_ERRORS if status == 400 else ERROR}"}
    for media in response.get("content", {}).values():
        own = media.get("schema")
        if own and own != generic and generic not in own.get("anyOf", []):
            media["schema"] = {"anyOf": [own, generic]}


def _throttled_operations(generator) -> set[tuple[str, str]]:
    """(path, method) of every endpoint whose view has a throttle."""
    throttled = set()
    for endpoint in getattr(generator, "endpoints", None) or []:
        path, _regex, method, view = endpoint
        view_class = getattr(view, "cls", None)
        if view_class is not None and getattr(view_class, "throttle_classes", None):
            throttled.add((path, method.lower()))
    return throttled


def _times_of_day_as_patterns(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            del node["format"]
            node["pattern"] = TIME_OF_DAY_PATTERN
            node.setdefault("example", "09:00:00")
        for value in node.values():
            _times_of_day_as_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _times_of_day_as_patterns(value)
