"""Meetings factories: every one takes ``vendor=`` explicitly (tenancy tests)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import factory

from meetings.models import ActionItem, Attendance, Meeting, MeetingSeries


class MeetingSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSeries

    title = factory.Sequence(lambda n: f"Weekly ops {n}")
    kind = "weekly_ops"
    rrule = "FREQ=WEEKLY;BYDAY=TU"
    start_time = time(10, 0)
    timezone = "Europe/Berlin"
    duration_minutes = 60
    channel = "video"
    channel_details = "https://meet.example/ops"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"Meeting {n}")
    start = factory.LazyFunction(
        lambda: datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    )
    duration_minutes = 60


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    vendor = factory.SelfAttribute("meeting.vendor")
    name = factory.Sequence(lambda n: f"Guest {n}")
    side = "vendor"
    status = "invited"


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    vendor = factory.SelfAttribute("meeting.vendor")
    title = factory.Sequence(lambda n: f"Follow up {n}")
    side = "vendor"
    due_date = factory.LazyFunction(lambda: datetime.now(UTC).date() + timedelta(days=7))
