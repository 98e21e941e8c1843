"""One meeting (an occurrence or a one-off), and the client side's working hours it is
checked against."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from vendorhub.models import VendorOwnedQuerySet

from .choices import (
    PRESENT_STATUSES,
    Channel,
    MeetingStatus,
)
from .series import MeetingSeries


# --- Meetings -----------------------------------------------------------------------
class MeetingQuerySet(VendorOwnedQuerySet):
    def upcoming(self, now: datetime | None = None) -> MeetingQuerySet:
        return self.filter(
            start__gte=now or timezone.now(), status=MeetingStatus.SCHEDULED
        ).order_by("start")

    def past(self, now: datetime | None = None) -> MeetingQuerySet:
        return self.filter(start__lt=now or timezone.now()).order_by("-start")

    def starting_between(self, start: datetime, end: datetime) -> MeetingQuerySet:
        """Scheduled meetings starting in ``[start, end)``: what a reminder sweep wants."""
        return self.filter(
            start__gte=start, start__lt=end, status=MeetingStatus.SCHEDULED
        ).order_by("start")

    def for_user(self, user) -> MeetingQuerySet:
        """Everything in the user's scope: every vendor's meetings for the client side,
        the vendor's meetings for a partner (``visible_to`` does the isolation)."""
        return self.visible_to(user)

    def in_feed_of(self, user, *, everything: bool = False) -> MeetingQuerySet:
        """What a personal calendar feed holds: the meetings ``user`` is invited to or
        organises (within scope); ``everything`` adds the rest of the scope."""
        mine = self.visible_to(user)
        if everything:
            return mine
        attendance = self.model._meta.get_field("attendances").related_model
        invited = attendance.objects.filter(meeting=models.OuterRef("pk"), user=user)
        return mine.filter(Q(organiser=user) | Q(models.Exists(invited)))


class Meeting(models.Model):
    """One meeting with a vendor; ``start`` is stored in UTC and shown in any zone."""

    vendor = models.ForeignKey(
        "vendorhub.Vendor", on_delete=models.PROTECT, related_name="meetings"
    )
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    occurrence_key = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="The start the rule generated (UTC); stays put when this meeting is moved.",
    )
    is_exception = models.BooleanField(
        default=False,
        editable=False,
        help_text="Edited by hand: regenerating the series leaves it alone.",
    )
    title = models.CharField(max_length=200)
    start = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    status = models.CharField(
        max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.VIDEO)
    channel_details = models.CharField(max_length=500, blank=True)
    minutes = models.TextField(blank=True, help_text="What was discussed and agreed.")
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_meetings",
    )
    sequence = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="iCalendar SEQUENCE: one more on every change a calendar must pick up.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    #: Fields a calendar shows: changing one is a new revision of the event (RFC 5545
    #: SEQUENCE), so Outlook and Google update the copy they hold instead of keeping it.
    CALENDAR_FIELDS = ("title", "start", "duration_minutes", "status", "channel", "channel_details")

    class Meta:
        ordering = ["-start"]
        indexes = [
            models.Index(fields=["vendor", "start"]),
            models.Index(fields=["status", "start"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "occurrence_key"],
                name="meeting_unique_occurrence",
                condition=Q(series__isnull=False, occurrence_key__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start:%Y-%m-%d})"

    def save(self, *args, **kwargs) -> None:
        """Bookkeeping only: a saved change to what calendars show bumps ``sequence``
        (whichever service or form saved it), so calendar clients see a new revision."""
        loaded = getattr(self, "_calendar_state", None)
        if self.pk and loaded and any(self.__dict__.get(k) != v for k, v in loaded.items()):
            self.sequence += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "sequence"}
        super().save(*args, **kwargs)
        self._calendar_state = self._calendar_fields()

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        if self.series_id and self.vendor_id and self.series.vendor_id != self.vendor_id:
            raise ValidationError({"series": "The series belongs to another vendor."})

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    def vendor_local_start(self) -> datetime:
        return self.start.astimezone(self.vendor.tzinfo)

    def client_timezone(self) -> zoneinfo.ZoneInfo:
        """The client side's zone: the organiser's (or series owner's), else a setting.

        Setting ``MEETINGS_CLIENT_TIMEZONE`` (default: ``TIME_ZONE``, i.e. UTC).
        """
        for person in (self.organiser, self.series.owner if self.series_id else None):
            if person is not None and not person.is_partner:
                return person.tzinfo
        return zoneinfo.ZoneInfo(
            getattr(settings, "MEETINGS_CLIENT_TIMEZONE", settings.TIME_ZONE) or "UTC"
        )

    def client_local_start(self) -> datetime:
        return self.start.astimezone(self.client_timezone())

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        meeting = super().from_db(db, field_names, values, **kwargs)
        meeting._calendar_state = meeting._calendar_fields()
        return meeting

    def _calendar_fields(self) -> dict:
        """The calendar fields loaded on this instance (deferred ones are left out)."""
        return {name: self.__dict__[name] for name in self.CALENDAR_FIELDS if name in self.__dict__}

    def bump_sequence(self) -> None:
        """The attendee list changed (someone invited): a new revision for calendars."""
        Meeting.objects.filter(pk=self.pk).update(sequence=models.F("sequence") + 1)
        self.sequence += 1

    def working_hours_warnings(self) -> list[str]:
        """Why this slot is unfair to one side: outside its working hours, start or end."""
        warnings = []
        last_minute = self.end - timedelta(minutes=1)
        if not (
            self.vendor.is_working_time(self.start) and self.vendor.is_working_time(last_minute)
        ):
            local = self.vendor_local_start()
            zone = self.vendor.timezone
            warnings.append(
                f"Outside {self.vendor.name}'s working hours ({local:%a %H:%M} {zone})."
            )
        client_tz = self.client_timezone()
        if not (
            client_is_working_time(self.start, client_tz)
            and client_is_working_time(last_minute, client_tz)
        ):
            local = self.start.astimezone(client_tz)
            warnings.append(f"Outside client working hours ({local:%a %H:%M} {client_tz.key}).")
        return warnings

    def quorum_shortfall(self, attendances=None) -> list[str]:
        """Required roles of the series nobody filled at a held meeting.

        ``attendances`` may be passed when already loaded (prefetch) to save queries.
        """
        if self.status != MeetingStatus.HELD or not self.series_id:
            return []
        required = self.series.required_role_list()
        if not required:
            return []
        rows = attendances if attendances is not None else list(self.attendances.all())
        present = {a.role.strip().lower() for a in rows if a.status in PRESENT_STATUSES}
        return [role for role in required if role.lower() not in present]


def client_working_window() -> tuple[time, time, str]:
    """Client-side working hours; settings ``MEETINGS_CLIENT_WORKING_HOURS`` (default
    ``("09:00", "18:00")``) and ``MEETINGS_CLIENT_WORKING_DAYS`` (default ``"12345"``)."""
    start, end = getattr(settings, "MEETINGS_CLIENT_WORKING_HOURS", ("09:00", "18:00"))
    days = getattr(settings, "MEETINGS_CLIENT_WORKING_DAYS", "12345")
    return time.fromisoformat(start), time.fromisoformat(end), days


def client_is_working_time(moment: datetime, tz: zoneinfo.ZoneInfo) -> bool:
    start, end, days = client_working_window()
    local = moment.astimezone(tz)
    return str(local.isoweekday()) in days and start <= local.time() < end
