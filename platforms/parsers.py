"""The platform formats VendorHub reads, by their public name (SPEC section 6).

``POST /api/v1/measurements/import/`` takes ``format`` = ``csv``, ``genesys_cloud`` or
``amazon_connect``; the two platform formats are parsed here, so the import service
looks a parser up by that name and never imports a platform module itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import amazon_connect, genesys_cloud
from .counts import ParseResult

Parser = Callable[[Any], ParseResult]

PARSERS: dict[str, Parser] = {
    genesys_cloud.FORMAT: genesys_cloud.parse,
    amazon_connect.FORMAT: amazon_connect.parse,
}


def parser_for(format: str) -> Parser:
    """The parser of a platform format; ``KeyError`` for anything else (e.g. ``csv``)."""
    return PARSERS[format]
