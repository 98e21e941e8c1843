"""Keyset ("cursor") pagination for the API's big lists.

Page-number pagination costs a ``COUNT(*)`` over the whole visible set on every page
and an ``OFFSET`` that grows with the page number: on the benchmark data set that was
64–416 ms of counting per request and page 4,000 of the disputes 11–15× slower than
page 1 (issue 14). A keyset page asks for the next 50 rows after the last one seen, by
an indexed, stable order, so every page costs what the first one does and nothing is
counted.

The answer keeps the public keys ``results``, ``next`` and ``previous`` (opaque links
to follow); there is no ``count`` and no ``?page=N`` on these lists. The order is the
list's ``?ordering=`` (one of the fields the list allows) or its default, newest first,
with ties broken by ``id`` so no row is shown twice or skipped.
"""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    page_size = 50
    #: Used when the view declares no ordering; views set their own.
    ordering = ("-id",)
    cursor_query_param = "cursor"

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        """The requested order, made total: the position is the first field's value and
        rows tied on it are told apart by their place in this order, so it must be the
        same on every request (``?ordering=severity`` alone would let the database
        return the ties in any order, and a page would repeat or skip rows)."""
        ordering = tuple(super().get_ordering(request, queryset, view))
        if not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            ordering += ("-id",)
        return ordering
