"""Thin Celery tasks: each calls one plain function and owns retries and limits.

All of them are idempotent (unique reminder keys, outbox claims), which is what makes
``acks_late`` + ``task_reject_on_worker_lost`` safe: a task redelivered after its
worker died simply finishes the work.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.core.cache import cache
from django.utils import timezone

from . import reminders
from .notifications import enqueue_outbox

logger = logging.getLogger(__name__)

MAX_DELIVERIES = 5


class CappedRedeliveryTask(Task):
    """``task_reject_on_worker_lost`` redelivers a task whose worker died; a task that
    kills its worker every time would loop for ever. Count deliveries per task id and
    give up (loudly) after ``MAX_DELIVERIES``; the sweeps' next scheduled run retries
    the work anyway, since it is idempotent."""

    def __call__(self, *args, **kwargs):
        task_id = self.request.id
        if task_id:
            key = f"celery-deliveries:{task_id}"
            cache.add(key, 0, timeout=24 * 3600)
            deliveries = cache.incr(key)
            if deliveries > MAX_DELIVERIES:
                logger.error(
                    "Task %s[%s] dropped after %s deliveries", self.name, task_id, deliveries - 1
                )
                return None
        return super().__call__(*args, **kwargs)


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
    counts = reminders.run_all_sweeps(timezone.now(), trigger="beat")
    enqueue_outbox()
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
