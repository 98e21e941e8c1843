"""The range of dates and times anyone may ask VendorHub about.

Python's ``date`` stops at years 1 and 9999 and PostgreSQL refuses UTC offsets beyond
±15:59, so a query such as ``?period=9999-Q4``, ``?week=0001-01-01`` or
``?start_after=2026-03-01T10:00+16:00`` used to overflow somewhere between the parser
and the database and answer 500. Every date a person types into a filter, a period or a
week therefore passes through here first: a year outside ``MIN_YEAR``–``MAX_YEAR`` is
a clear validation error, and an aware datetime is turned into UTC (any offset Python
accepts, ±23:59, becomes one PostgreSQL accepts).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField

# Old contracts reach back decades; nothing in the product looks past the next century.
MIN_YEAR = 1900
MAX_YEAR = 2100
RANGE_MESSAGE = f"Enter a date between the years {MIN_YEAR} and {MAX_YEAR}."


def in_range(value: date | datetime) -> bool:
    return MIN_YEAR <= value.year <= MAX_YEAR


def validate_in_range(value: date | datetime | None) -> None:
    """Django validator: refuse a date or datetime outside the years we handle."""
    if value is not None and not in_range(value):
        raise ValidationError(RANGE_MESSAGE, code="out_of_range")


class BoundedDateField(forms.DateField):
    """A form date field that refuses years outside ``MIN_YEAR``–``MAX_YEAR``."""

    default_validators = [validate_in_range]


class BoundedIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 filter value within our years, returned in UTC."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        # Check the year on the value as written: converting 0001-01-01T00:00+05:00 to
        # UTC would itself overflow.
        validate_in_range(parsed)
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed


class BoundedIsoDateTimeFilter(filters.IsoDateTimeFilter):
    """django-filter's ISO datetime filter with the bounds above (bad input → 400)."""

    field_class = BoundedIsoDateTimeField
