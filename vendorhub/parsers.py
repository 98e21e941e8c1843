"""The API's JSON parser: DRF's, with a nesting limit.

Python's ``json`` module recurses once per level of nesting, so a body of 5,000
``[`` characters (a few kilobytes, no credentials needed: the token endpoint takes
JSON) raised ``RecursionError`` deep inside the parser and answered 500. No VendorHub
payload nests more than a handful of levels (a bulk upsert is a list of flat objects;
an import payload a few levels more), so anything deeper than ``MAX_JSON_DEPTH`` is
refused with a 400 before a serializer ever sees it.

Set as ``DEFAULT_PARSER_CLASSES`` in settings; a view that lists its own parsers uses
``API_PARSER_CLASSES`` below, never DRF's plain ``JSONParser``.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Deep enough for every payload we accept (the Genesys/Amazon Connect exports nest
# about eight levels), far below where the interpreter's recursion limit bites.
MAX_JSON_DEPTH = 32


def json_depth(value: Any) -> int:
    """The nesting depth of a parsed JSON value (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser that answers 400, not 500, to absurdly nested documents."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(self._too_deep()) from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(self._too_deep())
        return data

    @staticmethod
    def _too_deep() -> str:
        return f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep."


# For views that name their parsers explicitly (file uploads next to JSON).
API_PARSER_CLASSES = [JSONParser, parsers.FormParser, parsers.MultiPartParser]
