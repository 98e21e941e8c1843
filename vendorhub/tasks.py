"""Thin Celery tasks: each calls one plain function and owns retries and limits.

All of them are idempotent (unique reminder keys, outbox claims), which is what makes
``acks_late`` + ``task_reject_on_worker_lost`` safe: a task redelivered after its
worker died simply finishes the work.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from celery.signals import worker_shutting_down
from django.core.cache import cache
from django.utils import timezone

from . import digests, outbox, reminders

logger = logging.getLogger(__name__)

MAX_DELIVERIES = 5


class SweepsIncomplete(Exception):
    """A whole sweep stopped (e.g. the database went away): worth retrying soon.

    Objects that failed alone are not a reason to retry: they are recorded, and a retry
    would fail on them again."""


class CappedRedeliveryTask(Task):
    """``task_reject_on_worker_lost`` redelivers a task whose worker died; a task that
    kills its worker every time would loop for ever. Count deliveries per task id and
    give up (loudly) after ``MAX_DELIVERIES``; the sweeps' next scheduled run retries
    the work anyway, since it is idempotent. The count lives in the cache: if the cache
    is unreachable the task runs uncounted rather than not at all."""

    def __call__(self, *args, **kwargs):
        task_id = self.request.id
        if task_id:
            key = f"celery-deliveries:{task_id}"
            try:
                cache.add(key, 0, timeout=24 * 3600)
                deliveries = cache.incr(key)
            except Exception:  # cache down or frozen (bounded by its socket timeout)
                logger.warning("Delivery count of %s[%s] unavailable", self.name, task_id)
                deliveries = 0
            if deliveries > MAX_DELIVERIES:
                logger.error(
                    "Task %s[%s] dropped after %s deliveries", self.name, task_id, deliveries - 1
                )
                return None
        return super().__call__(*args, **kwargs)


@worker_shutting_down.connect
def _stop_sending(**_kwargs) -> None:
    """A warm shutdown (SIGTERM, docker stop) stops the outbox between two e-mails
    rather than being cut off by SIGKILL in the middle of one."""
    outbox.stop_sending()


RETRY = {
    "base": CappedRedeliveryTask,
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
    """Every sweep once. The e-mails they queue ask for one sender at the end."""
    result = reminders.run_all_sweeps(timezone.now(), trigger="beat")
    if result.errors:
        raise SweepsIncomplete(result.summary())
    if result.failures:
        logger.error("Reminder sweeps finished with failures:\n%s", result.summary())
    return result.counts


@shared_task(**RETRY)
def send_outbox() -> int:
    """Drain the outbox for up to ``OUTBOX_TIME_BUDGET`` seconds (one task, many e-mails)."""
    return outbox.send_outbox(timezone.now())


@shared_task(**RETRY)
def requeue_stale_outbox() -> int:
    return outbox.requeue_stale_claims(timezone.now())


@shared_task(**RETRY)
def send_digests() -> int:
    return digests.send_digests(timezone.now())
