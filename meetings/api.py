"""REST endpoints of the meetings app, registered on the /api/v1/ router."""

from __future__ import annotations


def register(router) -> None:
    """Add this app's viewsets to the shared router (see vendorhub/urls.py)."""
