"""A meeting series: the iCalendar rule (RRULE) from which meetings are generated."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.rrule import rrulestr
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from vendorhub.models import VendorOwnedQuerySet, timezone_choices, validate_timezone

from .choices import (
    MAX_OCCURRENCES,
    Channel,
    MeetingKind,
)


def normalise_rrule(value: str) -> str:
    """The bare rule: no ``RRULE:`` prefix, and ``UNTIL`` read as local wall-clock time.

    The rule is expanded on naive local times (see ``MeetingSeries.occurrences``), so a
    UTC ``UNTIL=...Z`` is treated as the same date in the series' zone; for a meeting
    cadence the difference is at most a day at the very end.
    """
    text = (value or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return re.sub(r"(UNTIL=\d{8}(?:T\d{6})?)Z", r"\1", text, flags=re.IGNORECASE)


def validate_rrule(value: str) -> None:
    """Only rules dateutil can expand; a DTSTART inside the rule is ours to set."""
    text = normalise_rrule(value)
    if not text:
        raise ValidationError("Enter an iCalendar RRULE, e.g. FREQ=WEEKLY;BYDAY=TU.")
    if "DTSTART" in text.upper():
        raise ValidationError("Leave DTSTART out: the series' start date and time set it.")
    if "FREQ=" not in text.upper():
        raise ValidationError("An RRULE needs a FREQ, e.g. FREQ=WEEKLY;BYDAY=TU.")
    if any(f"FREQ={f}" in text.upper() for f in ("SECONDLY", "MINUTELY", "HOURLY")):
        raise ValidationError("Meetings recur at most daily.")
    try:
        rrulestr(text, dtstart=datetime(2000, 1, 1))
    except Exception as exc:  # dateutil raises several types for bad input
        raise ValidationError(f"Not a valid RRULE: {exc}.") from exc


@dataclass(frozen=True)
class OccurrencePreview:
    """One coming occurrence as both sides see it, and whether it is fair to each."""

    start: datetime  # UTC
    vendor_local: datetime
    client_local: datetime
    vendor_ok: bool
    client_ok: bool

    @property
    def fair(self) -> bool:
        return self.vendor_ok and self.client_ok


# --- Series --------------------------------------------------------------------------
class MeetingSeriesQuerySet(VendorOwnedQuerySet):
    def active(self) -> MeetingSeriesQuerySet:
        return self.filter(is_active=True)


class MeetingSeries(models.Model):
    """A cadence with a vendor: the rule from which meetings are generated ahead."""

    vendor = models.ForeignKey(
        "vendorhub.Vendor", on_delete=models.PROTECT, related_name="meeting_series"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    rrule = models.CharField(
        "recurrence (RRULE)",
        max_length=500,
        validators=[validate_rrule],
        help_text="iCalendar rule, e.g. FREQ=WEEKLY;BYDAY=TU or FREQ=MONTHLY;BYDAY=1TH.",
    )
    starts_on = models.DateField(
        default=timezone.localdate, help_text="First day the rule applies from."
    )
    start_time = models.TimeField(help_text="Local start time, in the series' time zone.")
    timezone = models.CharField(
        max_length=64,
        validators=[validate_timezone],
        choices=timezone_choices,
        help_text="The zone whose wall-clock time the meeting keeps across DST changes.",
    )
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.VIDEO)
    channel_details = models.CharField(
        max_length=500, blank=True, help_text="Video link, bridge number or address."
    )
    standing_agenda = models.TextField(
        blank=True, help_text="One item per line; put on every new meeting of the series."
    )
    default_invitees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+"
    )
    required_roles = models.CharField(
        max_length=300,
        blank=True,
        help_text="Comma-separated attendee roles needed for quorum, e.g. Account director.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_meeting_series",
        help_text="The organiser on the client side; their time zone is the client's.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingSeriesQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor__name", "title"]
        verbose_name_plural = "meeting series"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:series_detail", kwargs={"pk": self.pk})

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def rule_text(self) -> str:
        return normalise_rrule(self.rrule)

    def describe_rule(self) -> str:
        """The cadence in words, without the time: "Every other Tuesday"."""
        from ..recurrence import describe

        return describe(self.rule_text)

    def describe(self) -> str:
        """The cadence in words: "Every other Tuesday at 15:00 (Asia/Manila)"."""
        from ..recurrence import describe

        return f"{describe(self.rule_text)} at {self.start_time:%H:%M} ({self.timezone})"

    def client_timezone(self) -> zoneinfo.ZoneInfo:
        """The client side's zone: the organiser's (``owner``), else the setting
        ``MEETINGS_CLIENT_TIMEZONE`` (as ``Meeting.client_timezone``)."""
        if self.owner_id and not self.owner.is_partner:
            return self.owner.tzinfo
        return zoneinfo.ZoneInfo(
            getattr(settings, "MEETINGS_CLIENT_TIMEZONE", settings.TIME_ZONE) or "UTC"
        )

    def preview(self, *, now: datetime, count: int = 4) -> list[OccurrencePreview]:
        """The next ``count`` occurrences after ``now`` in the vendor's and the client
        side's local time, each checked against both sides' working hours. Works on an
        unsaved series, so the form can show it before anything is saved."""
        from .meeting import client_is_working_time

        client_tz = self.client_timezone()
        vendor = self.vendor
        rows = []
        horizon = timedelta(days=31)
        since = now
        # Widen the window until enough occurrences are found (a quarterly rule needs
        # a year for four); two years is the end of the search.
        while len(rows) < count and since < now + timedelta(days=731):
            until = since + horizon
            for start in self.occurrences(since=since, until=until):
                if start <= now or (rows and start <= rows[-1].start):
                    continue
                last = start + timedelta(minutes=self.duration_minutes - 1)
                rows.append(
                    OccurrencePreview(
                        start=start,
                        vendor_local=start.astimezone(vendor.tzinfo),
                        client_local=start.astimezone(client_tz),
                        vendor_ok=vendor.is_working_time(start) and vendor.is_working_time(last),
                        client_ok=client_is_working_time(start, client_tz)
                        and client_is_working_time(last, client_tz),
                    )
                )
                if len(rows) >= count:
                    break
            since, horizon = until, horizon * 2
        return rows

    def working_hours_warnings(self, *, now: datetime, count: int = 8) -> list[str]:
        """Why the cadence is unfair to one side, from its next ``count`` occurrences
        (enough to cross a daylight-saving change): "18:00 Europe/Berlin is 01:00
        Asia/Manila, outside Acme's working hours"."""
        warnings = []
        rows = self.preview(now=now, count=count)
        vendor_bad = next((row for row in rows if not row.vendor_ok), None)
        if vendor_bad is not None:
            warnings.append(
                f"{self._local_phrase(vendor_bad)} is {vendor_bad.vendor_local:%a %H:%M} "
                f"{self.vendor.timezone}, outside {self.vendor.name}'s working hours "
                f"({self.vendor.working_hours_start:%H:%M}–{self.vendor.working_hours_end:%H:%M})."
            )
        client_bad = next((row for row in rows if not row.client_ok), None)
        if client_bad is not None:
            from .meeting import client_working_window

            start, end, _days = client_working_window()
            zone = client_bad.client_local.tzinfo
            there = (
                "" if str(zone) == self.timezone else f" {client_bad.client_local:%a %H:%M} {zone},"
            )
            warnings.append(
                f"{self._local_phrase(client_bad)} is{there} outside the client side's "
                f"working hours ({start:%H:%M}–{end:%H:%M})."
            )
        return warnings

    def _local_phrase(self, row: OccurrencePreview) -> str:
        local = row.start.astimezone(self.tzinfo)
        return f"{local:%a %H:%M} {self.timezone}"

    def required_role_list(self) -> list[str]:
        return [r.strip() for r in self.required_roles.split(",") if r.strip()]

    def standing_agenda_lines(self) -> list[str]:
        return [line.strip() for line in self.standing_agenda.splitlines() if line.strip()]

    def clean(self) -> None:
        super().clean()
        # Each standing line becomes an agenda point of every generated meeting: one
        # too long for an agenda point would make every generation (and every sweep)
        # fail, so it is refused here, where the person typing it can fix it.
        from .actions import AgendaItem

        limit = AgendaItem._meta.get_field("title").max_length
        too_long = [
            n for n, line in enumerate(self.standing_agenda_lines(), 1) if len(line) > limit
        ]
        if too_long:
            lines = ", ".join(str(n) for n in too_long)
            raise ValidationError(
                {
                    "standing_agenda": f"Each line is one agenda point of at most {limit} "
                    f"characters; line {lines} is longer."
                }
            )

    def occurrences(self, *, since: datetime, until: datetime) -> list[datetime]:
        """Start instants (UTC) between ``since`` and ``until``.

        The rule is expanded on naive local wall-clock times and each one is then
        placed in the series' zone, so a 10:00 Berlin meeting stays at 10:00 Berlin
        after the clocks change (its UTC instant moves by an hour).
        """
        tz = self.tzinfo
        dtstart = datetime.combine(self.starts_on, self.start_time)
        rule = rrulestr(self.rule_text, dtstart=dtstart)
        local_since = since.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
        local_until = until.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
        starts = []
        for naive in rule.between(local_since, local_until, inc=True):
            instant = naive.replace(tzinfo=tz).astimezone(zoneinfo.ZoneInfo("UTC"))
            if since <= instant <= until:
                starts.append(instant)
            if len(starts) >= MAX_OCCURRENCES:
                break
        return starts
