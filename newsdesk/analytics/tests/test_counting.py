"""Counting reads: the beacon, bot and repeat filtering, batched writes, and Redis."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from newsdesk.analytics import counting
from newsdesk.analytics.models import HourlyViews
from newsdesk.analytics.services import add_views
from newsdesk.articles.models import ArticlePage

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0"


@pytest.fixture
def article(monkeypatch):
    cache.clear()
    counting.buffer().drain()
    monkeypatch.setattr(counting, "FLUSH_SECONDS", 3600)  # the tests flush by hand
    return ArticlePage.objects.published().first()


def views_of(article) -> int:
    return sum(HourlyViews.objects.filter(article=article).values_list("views", flat=True))


def beacon(client, article, agent=BROWSER, ip="203.0.113.9", **headers):
    return client.post(f"/views/{article.pk}/", HTTP_USER_AGENT=agent, REMOTE_ADDR=ip, **headers)


def test_a_beacon_counts_one_read_and_leaves_no_trace_on_the_reader(client, article):
    before = views_of(article)
    response = beacon(client, article)
    assert response.status_code == 204
    assert not response.cookies
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert counting.flush() == 1
    assert views_of(article) == before + 1
    row = HourlyViews.objects.filter(article=article).latest("hour")
    assert row.hour.minute == 0 and row.hour.second == 0


def test_bots_prefetches_and_repeat_reads_are_not_counted(client, article):
    before = views_of(article)
    assert beacon(client, article, agent="Googlebot/2.1 (+http://www.google.com/bot.html)")
    beacon(client, article, agent="")
    beacon(client, article, agent="python-requests/2.32")
    beacon(client, article, HTTP_SEC_PURPOSE="prefetch")
    beacon(client, article)  # a reader
    beacon(client, article)  # the same reader reloading
    beacon(client, article, ip="198.51.100.20")  # another reader
    assert counting.flush() == 2
    assert views_of(article) == before + 2


def test_the_beacon_writes_the_batch_once_it_is_due(client, article, monkeypatch):
    before = views_of(article)
    beacon(client, article)
    assert views_of(article) == before  # buffered
    monkeypatch.setattr(counting, "FLUSH_SECONDS", 0)
    beacon(client, article, ip="198.51.100.20")
    assert views_of(article) == before + 2  # both reads, written by the second request


def test_the_noscript_pixel_counts_and_answers_with_an_image(client, article):
    response = client.get(f"/views/{article.pk}/", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a")
    assert counting.flush() == 1


def test_flushes_add_up_and_counts_for_unknown_articles_are_dropped(article):
    hour = counting.current_hour()
    before = views_of(article)
    add_views(Counter({(article.pk, hour): 5}))
    add_views(Counter({(article.pk, hour): 7, (10**9, hour): 3}))
    assert views_of(article) == before + 12
    assert not HourlyViews.objects.filter(article_id=10**9).exists()
    assert HourlyViews.objects.filter(article=article, hour=hour).count() == 1


def test_a_failed_write_keeps_the_counts_for_the_next_flush(article, monkeypatch):
    from newsdesk.analytics import services

    counting.buffer().add((article.pk, counting.current_hour()), 4)
    before = views_of(article)

    def broken(counts):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "add_views", broken)
    with pytest.raises(RuntimeError):
        counting.flush()
    monkeypatch.undo()
    assert counting.flush() == 4
    assert views_of(article) == before + 4


def test_the_article_page_carries_a_beacon_and_stays_cacheable(client, article):
    response = client.get(article.url)
    html = response.content.decode()
    assert f'data-view-beacon="/views/{article.pk}/"' in html
    assert f'<noscript><img class="view-pixel" src="/views/{article.pk}/"' in html
    assert not response.cookies and "public" in response["Cache-Control"]


def test_redis_buffer_loses_and_duplicates_nothing_under_concurrent_writers(redis_url):
    import redis

    redis.Redis.from_url(redis_url).delete(counting.REDIS_KEY)
    buffer = counting.RedisBuffer(redis_url)
    hour = counting.current_hour()
    drained: Counter = Counter()
    done = threading.Event()

    def write(article_id):
        for _ in range(500):
            buffer.add((article_id, hour))

    def drain():
        while not done.is_set():
            drained.update(buffer.drain())

    writers = [threading.Thread(target=write, args=(n,)) for n in (1, 2, 3, 4)]
    drainer = threading.Thread(target=drain)
    drainer.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    drainer.join()
    drained.update(buffer.drain())
    assert drained == Counter({(n, hour): 500 for n in (1, 2, 3, 4)})
    assert buffer.drain() == Counter()


def test_counts_older_than_an_hour_keep_their_own_hour(article):
    now = timezone.now()
    old = counting.current_hour((now - timedelta(hours=3)).timestamp())
    add_views(Counter({(article.pk, old): 2}))
    assert HourlyViews.objects.get(article=article, hour=old).views >= 2
