from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone


class UserTimezoneMiddleware:
    """Show every time in the viewer's own zone (the user's ``timezone`` field)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.tzinfo)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class RejectNulCharactersMiddleware:
    """Answer 400 to a NUL character in the path or any query parameter.

    PostgreSQL text cannot hold ``\\x00``: psycopg refuses such a value with a
    ``ValueError`` wherever a raw parameter reaches a query (``?vendor=acme%00`` on the
    dispute list, ``/disputes/%00/``), which answered 500. No VendorHub URL needs one,
    so the request is refused once, here, before any view or form sees it. Form and
    JSON bodies need no such guard: Django's and DRF's text fields already reject NUL
    with a field error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest) -> HttpResponse:
        message = "The address contains a NUL character (%00), which is never valid here."
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class HtmxMessagesMiddleware:
    """Show ``messages.success(...)`` ("Saved") after an htmx request that swaps a partial.

    A full page renders the messages in ``base.html``. An htmx answer is only a fragment,
    so the messages would wait, unseen, for the next full page; instead they are appended
    to the fragment as an out-of-band swap of the page's ``#messages`` live region. Not
    done for redirects (``HX-Redirect``, ``HX-Location``, ``HX-Refresh``): the next page
    shows them.
    """

    REDIRECT_HEADERS = ("HX-Redirect", "HX-Location", "HX-Refresh")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and not response.streaming
            and response.status_code < 500
            and not 300 <= response.status_code < 400
            and response.get("Content-Type", "").startswith("text/html")
            and not any(header in response for header in self.REDIRECT_HEADERS)
        ):
            from django.contrib.messages import get_messages
            from django.template.loader import render_to_string

            storage = get_messages(request)
            if len(storage):
                response.content += render_to_string(
                    "includes/messages.html", {"messages": storage, "oob": True}, request
                ).encode()
        return response
