"""The address a sign-in came from, as django-axes counts failures per address (shared with the public pages)."""

from core.addresses import client_address

__all__ = ["client_address"]
