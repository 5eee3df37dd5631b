"""Rate-limit windows counted in the database (while Redis cannot count): a window counts up,
ends after its seconds, and a new one starts from one."""

from datetime import timedelta

import pytest

from newsdesk.caching import counters
from newsdesk.caching.models import WindowCounter

pytestmark = pytest.mark.django_db


def test_a_window_counts_up_and_a_new_one_starts_when_it_ends():
    assert [counters.database_hit("w:a", seconds=60) for _ in range(3)] == [1, 2, 3]
    assert counters.database_hit("w:b", seconds=60) == 1  # each key its own window

    WindowCounter.objects.filter(key="w:a").update(
        expires_at=WindowCounter.objects.get(key="w:a").expires_at - timedelta(seconds=61)
    )
    assert counters.database_hit("w:a", seconds=60) == 1
    assert counters.database_hit("w:a", seconds=60) == 2
    assert WindowCounter.objects.filter(key="w:a").count() == 1


def test_the_cache_counts_while_it_can():
    assert [counters.hit("w:cache", seconds=60) for _ in range(3)] == [1, 2, 3]
    assert not WindowCounter.objects.exists()
