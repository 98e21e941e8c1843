"""Models of the contracts app (built by its own issue; the app is installed already)."""

from __future__ import annotations
