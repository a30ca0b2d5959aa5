"""The shared cache lives in the database by default, so every process sees one state."""

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache

pytestmark = pytest.mark.django_db


def test_the_default_cache_is_the_database_cache_and_its_table_exists():
    assert isinstance(caches["default"], DatabaseCache)
    cache.set("kx-test", {"attempts": 3}, 30)
    assert cache.get("kx-test") == {"attempts": 3}
