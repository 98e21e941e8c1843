"""Reminder sweep for action plans (filled in with the re-measurement)."""
