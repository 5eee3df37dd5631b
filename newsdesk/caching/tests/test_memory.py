"""The embedded default's caches (caching/memory.py): the page cache keeps values as they are;
the other keeps as they are only values that cannot change, and copies the rest."""

import pytest

from newsdesk.caching.memory import MemoryCache, UnpickledMemoryCache


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


@pytest.fixture
def memory():
    store = MemoryCache("test-memory", {})
    store.clear()
    return store


def test_values_that_cannot_change_are_kept_as_they_are(memory):
    html = "<p>kept</p>" * 100
    entry = ((3, 7), frozenset({"all", "page-4"}), html)
    memory.set("fragment", entry)
    assert memory.get("fragment") is entry


def test_values_that_could_change_are_copied_both_ways(memory):
    value = {"sections": ["World"], "nested": ("a", ["b"])}
    memory.set("chrome", value)
    value["sections"].append("changed after storing")
    got = memory.get("chrome")
    assert got == {"sections": ["World"], "nested": ("a", ["b"])} and got is not value
    got["nested"][1].append("changed after reading")
    assert memory.get("chrome")["nested"] == ("a", ["b"])


def test_counters_and_locks_work_on_either_kind(memory):
    assert memory.add("lock", 1) and not memory.add("lock", 2)
    assert memory.incr("lock", 5) == 6 and memory.get("lock") == 6
    memory.set("list", [1])
    assert memory.get_many(["lock", "list", "missing"]) == {"lock": 6, "list": [1]}
