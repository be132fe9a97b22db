"""Fixtures for admin tests: a clean cache (the changelist caches its filter choices).
Logged-in clients per role come from ``admin_client_for`` in tests/conftest.py."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()
