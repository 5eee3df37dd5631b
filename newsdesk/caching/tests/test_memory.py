"""The embedded page cache's backend keeps values as they are (caching/memory.py)."""

import pytest

from newsdesk.caching.memory import UnpickledMemoryCache


@pytest.fixture
def cache():
    store = UnpickledMemoryCache("test-unpickled", {"OPTIONS": {"MAX_ENTRIES": 3}})
    store.clear()
    return store


def test_a_value_is_read_back_as_the_object_stored(cache):
    value = ("200 OK", [("Content-Type", "text/html")], b"<p>page</p>")
    cache.set("page", value)
    assert cache.get("page") is value
    assert cache.get("missing", "default") == "default"


def test_add_incr_and_expiry_behave_as_in_django(cache):
    assert cache.add("lock", 1)
    assert not cache.add("lock", 2)
    assert cache.incr("lock") == 2 and cache.get("lock") == 2
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")
    cache.set("gone", "x", timeout=-1)
    assert cache.get("gone") is None


def test_the_size_limit_still_culls(cache):
    for n in range(10):
        cache.set(f"key-{n}", n)
    assert sum(cache.get(f"key-{n}") is not None for n in range(10)) <= 3
    assert cache.get("key-9") == 9
