from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from vendorhub.reminders import SWEEPS, run_all_sweeps, send_outbox


class Command(BaseCommand):
    help = "Run every reminder sweep once, synchronously."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="Pretend it is this instant (ISO 8601, with an offset; naive means UTC).",
        )

    def handle(self, *args, now: str | None = None, **options):
        if now:
            moment = parse_datetime(now)
            if moment is None:
                raise CommandError(f"--now: “{now}” is not an ISO 8601 date-time.")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.UTC)
        else:
            moment = timezone.now()
        counts = run_all_sweeps(moment, trigger="command")
        sent = send_outbox(timezone.now())
        if not SWEEPS:
            self.stdout.write("No reminder sweeps are registered yet.")
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(f"e-mails sent: {sent}")
        self.stdout.write(self.style.SUCCESS(f"Reminder sweeps ran at {moment.isoformat()}."))
