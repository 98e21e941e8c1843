"""Clause search: PostgreSQL full-text search, a LIKE fallback on SQLite.

Both return the same shape: clauses with ``rank`` and a safe HTML ``highlight``. The
highlight is built with private marker characters, then escaped, then the markers
become ``<mark>``: nothing from a clause body can inject markup.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import F, Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .services import SEARCH_CONFIG

if TYPE_CHECKING:
    from .models import ClauseQuerySet

START, STOP = "\x02", "\x03"
FALLBACK_CONTEXT = 90


def markers_to_html(text: str) -> SafeString:
    escaped = escape(text)
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def search_terms(query: str) -> list[str]:
    return [t for t in re.findall(r"[\w.%-]+", query) if t.strip(".-")][:8]


def search_clauses(queryset: ClauseQuerySet, query: str) -> ClauseQuerySet:
    """Filter and order ``queryset`` (already scoped) by relevance to ``query``."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

        search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        return (
            queryset.filter(search_vector=search_query)
            .annotate(
                rank=SearchRank(F("search_vector"), search_query),
                headline=SearchHeadline(
                    "body",
                    search_query,
                    config=SEARCH_CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=40,
                    min_words=20,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", "contract_id", "sort_key")
        )
    terms = search_terms(query)
    if not terms:
        return queryset.none()
    condition = Q()
    for term in terms:
        condition &= Q(body__icontains=term) | Q(heading__icontains=term) | Q(number=term)
    return queryset.filter(condition).order_by("contract_id", "sort_key")


def highlight(clause, query: str) -> SafeString:
    """The matched excerpt of ``clause`` with the query words in ``<mark>``."""
    headline = getattr(clause, "headline", None)
    if headline is not None:
        return markers_to_html(headline)
    terms = search_terms(query)
    body = clause.body
    if not terms:
        return markers_to_html(body[: FALLBACK_CONTEXT * 2])
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    first = pattern.search(body)
    start = max(0, (first.start() if first else 0) - FALLBACK_CONTEXT)
    excerpt = body[start : start + FALLBACK_CONTEXT * 3]
    marked = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", excerpt)
    prefix = "… " if start else ""
    suffix = " …" if start + FALLBACK_CONTEXT * 3 < len(body) else ""
    return markers_to_html(prefix + marked + suffix)


def heading_highlight(clause, query: str) -> SafeString:
    terms = search_terms(query)
    if not terms:
        return markers_to_html(clause.heading)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    return markers_to_html(pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", clause.heading))
