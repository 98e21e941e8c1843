"""What every app's forms share: a service's ``ValidationError`` shown on the form, and
native date/time pickers that show the stored value.

Views call one service per write; the service validates the whole object and raises
Django's ``ValidationError``. ``add_errors`` puts it next to the field it names, or at
the top of the form when the form has no such field, so nothing the service refuses
is ever lost or turned into a server error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect

if TYPE_CHECKING:
    from django.core.exceptions import ValidationError
    from django.db.models import Model
    from django.http import HttpRequest, HttpResponse

#: ISO formats the native pickers read and write, whatever the locale (en-gb would
#: render ``01/05/2025``, which ``<input type="date">`` shows as empty).
ISO_DATE = "%Y-%m-%d"
ISO_TIME = "%H:%M"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Add ``exc``'s messages to ``form``: on the field they name when the form shows it,
    else as non-field errors (``__all__`` and fields the form does not render)."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            form.add_error(target, messages)
    else:
        form.add_error(None, exc.messages)


def saved(request: HttpRequest, obj: Model, message: str) -> HttpResponse:
    """After a successful write: say ``message`` and show ``obj``'s page (a full-page
    redirect for htmx, whose partial would otherwise be swapped into the old page)."""
    messages.success(request, message)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(obj.get_absolute_url())
    return redirect(obj)


class IsoDateInput(forms.DateInput):
    """``<input type="date">`` with the value as ``YYYY-MM-DD`` so an edit form shows the
    stored date (and saving it untouched keeps it)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class IsoTimeInput(forms.TimeInput):
    """``<input type="time">`` with the value as ``HH:MM``."""

    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_TIME)


class IsoDateTimeInput(forms.DateTimeInput):
    """``<input type="datetime-local">`` with the value as ``YYYY-MM-DDTHH:MM`` (the
    user's own zone: the form field converts it with the active time zone)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATETIME_LOCAL)


class LeanSelect(forms.Select):
    """A ``<select>`` whose options are written in Python, not one template each.

    Filter forms list every visible vendor and contract (1,200 options on the benchmark
    data set); Django renders each ``<option>`` through its own template include, which
    made most of a list page's time (issue 14: clause search 168 of 193 ms). The HTML is
    the same as ``forms.Select``'s (``tests/vendorhub/test_lean_pages.py`` compares them).
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        from django.forms.utils import flatatt
        from django.utils.html import format_html
        from django.utils.safestring import mark_safe

        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            for option in options:
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        option["value"],
                        flatatt(option["attrs"]),
                        option["label"],
                    )
                )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every piece went through format_html
