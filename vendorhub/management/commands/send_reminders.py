from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from vendorhub.outbox import send_outbox
from vendorhub.reminders import SWEEPS, run_all_sweeps


class Command(BaseCommand):
    help = (
        "Run every reminder sweep once, synchronously, then send the outbox. Exits "
        "non-zero, naming them, if any object failed or any sweep stopped (the other "
        "reminders are sent all the same)."
    )

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
        result = run_all_sweeps(moment, trigger="command")
        sent = send_outbox(timezone.now())
        if not SWEEPS:
            self.stdout.write("No reminder sweeps are registered yet.")
        for name, count in result.counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(f"e-mails sent: {sent}")
        if not result.ok:
            self.stderr.write(result.summary())
            raise CommandError(
                f"Reminder sweeps at {moment.isoformat()}: {len(result.failures)} object(s) "
                f"failed, {len(result.errors)} sweep(s) stopped; every other reminder was "
                "sent. Details above and on /operations/reminders/."
            )
        self.stdout.write(self.style.SUCCESS(f"Reminder sweeps ran at {moment.isoformat()}."))
