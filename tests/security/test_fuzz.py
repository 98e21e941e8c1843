"""Schemathesis fuzzes every operation of the OpenAPI schema, in-process.

The schema is the one drf-spectacular generates at run time, so an operation another
change adds is fuzzed without touching this file. Each operation gets a bounded number
of generated requests (schema-valid ones and schema-violating ones), sent as a manager
and as a partner (``Authorization: Token <key>``) through the real WSGI application
(every middleware, the real PostgreSQL). Every answer must:

- not be a server error (any 5xx);
- carry a status code the schema documents for that operation;
- carry a documented ``Content-Type``;
- match the documented response schema.

Every request runs inside a savepoint rolled back afterwards, so each one meets the same
world (``tests/security/world.py``), and the run repeats itself: Hypothesis is
derandomized (a fixed seed), keeps no example database and does not shrink. Path
parameters are the ids of vendor A's objects, so writes reach real rows (generated ids
would only ever meet 404s).

A failure names the operation, the role, the check, the request as a ``curl`` command
and, for a server error, the server's traceback. ``FUZZ_SCALE=4`` sends four times as
many requests (a deeper run by hand); ``FUZZ_REPORT=<file>`` writes the failures there.
"""

from __future__ import annotations

import os
import time
import traceback
from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.world import API_OBJECTS, build_world, openapi_schema
from vendorhub.tokens import api_token_issue

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: At most this many generated requests per operation: (schema-valid, schema-violating)
#: per role, 10 in all. ``FUZZ_SCALE=5`` multiplies them for a deeper run by hand.
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
EXAMPLES = {"manager": (4 * SCALE, 2 * SCALE), "partner": (2 * SCALE, 2 * SCALE)}


@pytest.fixture
def world(vendor_a, vendor_b, manager, executive, partner_a, partner_b):
    return build_world(
        vendor_a=vendor_a,
        vendor_b=vendor_b,
        manager=manager,
        executive=executive,
        partner_a=partner_a,
        partner_b=partner_b,
    )


@contextmanager
def in_process_wsgi():
    """Django's WSGI handler for requests inside the test's transaction.

    As Django's own test client does, connections are not closed at the start and end
    of each request (that would break the transaction the test runs in), and every
    exception a view raises is kept with its traceback for the report.
    """
    errors: list[str] = []

    def keep(sender, request=None, **kwargs):
        errors.append(traceback.format_exc())

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(keep)
    try:
        yield WSGIHandler(), errors
    finally:
        got_request_exception.disconnect(keep)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _path_parameters(world, path: str, operation) -> dict:
    """Vendor A's object for ``{id}``/``{slug}``/``{code}``; generated if unknown."""
    collection = path.removeprefix("/api/v1/").split("/")[0]
    names = [p.name for p in operation.path_parameters]
    if not names or collection not in API_OBJECTS:
        return {}
    return {name: API_OBJECTS[collection](world) for name in names}


NEGATIVE = schemathesis.GenerationMode.NEGATIVE


def _violable(operation, fixed_path_parameters: dict) -> bool:
    """Whether a request can violate the schema: a body, a query or header parameter, or
    a path parameter not fixed to a real object. Without any, Hypothesis would only
    search in vain for an invalid request (security schemes count as neither: the
    token sent is always ours)."""
    headers = [
        header
        for header in operation.headers
        if "x-original-security-type" not in header.definition  # the token: ours is sent
    ]
    return bool(
        len(operation.body)
        or len(operation.query)
        or headers
        or (len(operation.path_parameters) and not fixed_path_parameters)
    )


def fuzz(world, operations, user, app, errors, label: str, statuses: Counter) -> list[str]:
    """Every operation fuzzed as ``user``: the failures; the status of every answer is
    counted in ``statuses``."""
    key, _token = api_token_issue(user=user)
    headers = {"Authorization": f"Token {key}"}
    failures: list[str] = []
    positive, negative = EXAMPLES[label]
    for operation in operations:
        path_parameters = _path_parameters(world, operation.path, operation)
        for mode, examples in (
            (schemathesis.GenerationMode.POSITIVE, positive),
            (schemathesis.GenerationMode.NEGATIVE, negative),
        ):
            if not examples or (mode is NEGATIVE and not _violable(operation, path_parameters)):
                continue

            @settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(mode, path_parameters=path_parameters or None))
            def run(case):
                del errors[:]
                with transaction.atomic():
                    response = case.call(app=app, headers=headers)
                    transaction.set_rollback(True)
                statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except BaseException as exc:
                    if errors:
                        exc.add_note("Server traceback:\n" + errors[-1])
                    raise

            try:
                run()
            except Unsatisfiable:
                pass  # a schema with nothing to violate (no parameters, no body)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # schemathesis reports a FailureGroup
                failures.append(
                    f"[{label} {mode.value}] {operation.label}: "
                    + "".join(traceback.format_exception_only(exc))
                    + "\n".join(getattr(exc, "__notes__", []))
                )
    return failures


def test_every_operation_survives_fuzzing_as_a_manager_and_as_a_partner(
    world, manager, partner_a, settings
):
    settings.ALLOWED_HOSTS = ["localhost"]  # the host schemathesis's WSGI client sends
    started = time.monotonic()
    statuses = {"manager": Counter(), "partner": Counter()}
    failures: list[str] = []
    schema = schemathesis.openapi.from_dict(openapi_schema())
    operations = [result.ok() for result in schema.get_all_operations()]
    with in_process_wsgi() as (app, errors):
        for label, user in (("manager", manager), ("partner", partner_a)):
            failures += fuzz(world, operations, user, app, errors, label, statuses[label])
    elapsed = time.monotonic() - started
    sent = {label: sum(counts.values()) for label, counts in statuses.items()}
    server_errors = sum(n for c in statuses.values() for status, n in c.items() if status >= 500)
    print(
        f"\nfuzz: {len(operations)} operations, {sum(sent.values())} requests {sent} in "
        f"{elapsed:.0f} s; statuses {sorted((statuses['manager'] + statuses['partner']).items())}; "
        f"{server_errors} server errors; {len(failures)} failing operations"
    )
    assert len(operations) >= 60, "the schema should list the whole API"
    # Bounded: at most 10 requests per operation (fewer where the schema allows fewer).
    assert sum(sent.values()) <= len(operations) * 10 * SCALE
    # And not trivially small: most operations were really exercised by both roles.
    assert min(sent.values()) >= len(operations) * 2
    report = os.environ.get("FUZZ_REPORT")
    if report:
        with open(report, "w") as out:
            out.write("\n\n".join(failures))
    assert not failures, "\n\n".join(failures)
