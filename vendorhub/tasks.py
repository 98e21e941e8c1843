"""Thin Celery tasks: each calls one plain function and owns retries and limits.

All of them are idempotent (unique reminder keys, outbox claims), which is what makes
``acks_late`` + ``task_reject_on_worker_lost`` safe: a task redelivered after its
worker died simply finishes the work.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import reminders

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(ignore_result=False)
def ping() -> str:
    """Round trip through broker, worker and result store (used by tests and ops)."""
    return "pong"


@shared_task(**RETRY)
def send_reminders() -> dict[str, int]:
    counts = reminders.run_all_sweeps(timezone.now(), trigger="beat")
    reminders.enqueue_outbox()
    return counts


@shared_task(**RETRY)
def send_outbox() -> int:
    return reminders.send_outbox(timezone.now())


@shared_task(**RETRY)
def requeue_stale_outbox() -> int:
    return reminders.requeue_stale_claims(timezone.now())


@shared_task(**RETRY)
def send_digests() -> int:
    return reminders.send_digests(timezone.now())
