"""A meeting series: the iCalendar rule (RRULE) from which meetings are generated."""

from __future__ import annotations

import re
import zoneinfo
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
