"""The meeting cadence: series (the rule), meetings (occurrences), attendance, agendas
and action items, plus the private calendar-feed tokens.

Missed meetings and too little contact are how vendor relationships die (SPEC §1), so
the models make both visible: every meeting has an attendance record per invitee and
side, and open action items follow the series from meeting to meeting until done.
"""

from __future__ import annotations

import re
import secrets
import zoneinfo
from datetime import datetime, time, timedelta

from dateutil.rrule import rrulestr
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from vendorhub.models import VendorOwnedQuerySet, timezone_choices, validate_timezone

# How many occurrences one rule may expand to in one call: a guard against rules such
# as FREQ=MINUTELY that would otherwise create millions of rows.
MAX_OCCURRENCES = 1000


class Side(models.TextChoices):
    CLIENT = "client", "Client"
    VENDOR = "vendor", "Vendor"


class MeetingKind(models.TextChoices):
    WEEKLY_OPS = "weekly_ops", "Weekly operations"
    MONTHLY_REVIEW = "monthly_review", "Monthly review"
    QBR = "qbr", "Quarterly business review"
    ESCALATION = "escalation", "Escalation"
    AD_HOC = "ad_hoc", "Ad hoc"


class Channel(models.TextChoices):
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone bridge"
    ON_SITE = "on_site", "On site"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"
    MISSED = "missed", "Missed"


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    ATTENDED = "attended", "Attended"
    LATE = "late", "Late"
    ABSENT = "absent", "Absent"
    EXCUSED = "excused", "Excused"


# Statuses that say what happened at the meeting (as opposed to the RSVP before it).
PRESENT_STATUSES = (AttendanceStatus.ATTENDED, AttendanceStatus.LATE)
RECORDED_STATUSES = (
    AttendanceStatus.ATTENDED,
    AttendanceStatus.LATE,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class AgendaSource(models.TextChoices):
    MANUAL = "manual", "Added by hand"
    STANDING = "standing", "Standing agenda"
    DISPUTE = "dispute", "Open dispute"
    ACTION_ITEM = "action_item", "Overdue action item"


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
        """The meetings a calendar feed shows: everything in scope for the client side,
        the vendor's meetings for a partner (``visible_to`` does the isolation)."""
        return self.visible_to(user)


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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

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


# --- Attendance ---------------------------------------------------------------------
class AttendanceQuerySet(VendorOwnedQuerySet):
    pass


class Attendance(models.Model):
    """One invitee of one meeting: a user, or a named person without a log-in."""

    vendor = models.ForeignKey("vendorhub.Vendor", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_attendances",
    )
    name = models.CharField(max_length=120, blank=True, help_text="For people without a log-in.")
    role = models.CharField(
        max_length=120, blank=True, help_text="e.g. Account director (checked for quorum)."
    )
    side = models.CharField(max_length=8, choices=Side.choices)
    status = models.CharField(
        max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["side", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                name="attendance_unique_user",
                condition=Q(user__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["meeting", "name"],
                name="attendance_unique_name",
                condition=Q(user__isnull=True),
            ),
            models.CheckConstraint(
                name="attendance_user_or_name",
                condition=Q(user__isnull=False) | ~Q(name=""),
            ),
        ]
        indexes = [models.Index(fields=["vendor", "side", "status"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id:
            return str(self.user)
        return self.name

    def clean(self) -> None:
        super().clean()
        if not self.user_id and not self.name.strip():
            raise ValidationError({"name": "Name a person or pick a user."})
        if self.user_id and self.side and self.user.side != self.side:
            raise ValidationError({"side": f"{self.user} is on the {self.user.side} side."})
        if (
            self.user_id
            and self.user.is_partner
            and self.meeting_id
            and self.user.vendor_id != self.meeting.vendor_id
        ):
            raise ValidationError({"user": "This person works for another vendor."})


# --- Action items ---------------------------------------------------------------------
class ActionItemQuerySet(VendorOwnedQuerySet):
    def open(self) -> ActionItemQuerySet:
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today=None) -> ActionItemQuerySet:
        """Open items past their due date: the reminders sweep and agenda use this."""
        return self.open().filter(due_date__lt=today or timezone.localdate())


class ActionItem(models.Model):
    """Something a meeting agreed someone would do, by a date."""

    vendor = models.ForeignKey("vendorhub.Vendor", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_action_items",
    )
    owner_name = models.CharField(max_length=120, blank=True, help_text="If not a user.")
    side = models.CharField(max_length=8, choices=Side.choices)
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default="open")
    notes = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["vendor", "status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_display(self) -> str:
        return str(self.owner) if self.owner_id else (self.owner_name or "—")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())

    def clean(self) -> None:
        super().clean()
        if self.owner_id and self.side and self.owner.side != self.side:
            raise ValidationError({"side": f"{self.owner} is on the {self.owner.side} side."})
        if (
            self.owner_id
            and self.owner.is_partner
            and self.vendor_id
            and self.owner.vendor_id != self.vendor_id
        ):
            raise ValidationError({"owner": "This person works for another vendor."})


# --- Agenda ---------------------------------------------------------------------------
class AgendaItem(models.Model):
    """One point on a meeting's agenda, in order; may point at what it is about."""

    vendor = models.ForeignKey("vendorhub.Vendor", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    source = models.CharField(
        max_length=16, choices=AgendaSource.choices, default=AgendaSource.MANUAL
    )
    action_item = models.ForeignKey(
        ActionItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispute = models.ForeignKey(
        "disputes.Dispute",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
        help_text="The dispute this point is about, if any.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VendorOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title


# --- Calendar feed --------------------------------------------------------------------
def new_feed_key() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedTokenQuerySet(models.QuerySet["CalendarFeedToken"]):
    def live(self) -> CalendarFeedTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class CalendarFeedToken(models.Model):
    """A secret in a private feed URL. Revoking it kills the URL; a new one replaces it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    key = models.CharField(max_length=64, unique=True, default=new_feed_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
