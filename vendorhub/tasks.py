"""Thin Celery tasks: each calls one plain function and owns retries and limits."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .reminders import run_all_sweeps


@shared_task(ignore_result=False)
def ping() -> str:
    """Round trip through broker, worker and result store (used by tests and ops)."""
    return "pong"


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_reminders() -> dict[str, int]:
    return run_all_sweeps(timezone.now())
