"""The reader-facing search page: relevance, filters, snippets, pagination, what is never
shown, and any input answered with a page. Runs on SQLite and PostgreSQL (see scripts/test)."""

import re
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st
from wagtail.models import PageViewRestriction

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.demo import factories
from newsdesk.people.models import PersonPage
from newsdesk.search import backend
from newsdesk.search.highlight import Marker
from newsdesk.search.query import MAX_QUERY_LENGTH, MAX_TERMS, ReaderQuery
from newsdesk.search.suggest import CACHE_KEY

pytestmark = pytest.mark.django_db

# Words no demo article uses, so each test sees only the articles it makes.
WORD = "bramblewick"


def article(**kwargs) -> ArticlePage:
    section = kwargs.pop("section", None) or SectionPage.objects.get(slug="world")
    body = kwargs.pop("body", "Text.")
    return factories.make_article(
        section=section, body=[{"type": "paragraph", "value": body}], **kwargs
    )


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200, params
    return response


def result_titles(response) -> list[str]:
    return [a.title for a in response.context["page_obj"].object_list]


def html(response) -> str:
    return response.content.decode()


# Relevance ----------------------------------------------------------------------------------


def test_a_headline_match_ranks_above_a_dek_match_and_a_body_only_match(client):
    # The body-only article says the word twice in a short text: it still ranks last.
    body_only = article(
        headline="Council debates the budget",
        body=f"The {WORD} plan came up. Then the {WORD} plan came up again.",
        published_at=factories.hours_ago(1),
    )
    in_dek = article(
        headline="Ministers meet at dawn",
        dek=f"The {WORD} question dominates the agenda.",
        body="Long talks followed. " * 20,
        published_at=factories.hours_ago(2),
    )
    in_headline = article(
        headline=f"The {WORD} accord is signed",
        body="Long talks followed. " * 40,
        published_at=factories.hours_ago(3),
    )
    titles = result_titles(search(client, q=WORD))
    assert titles[0] == in_headline.title
    assert set(titles) == {in_headline.title, in_dek.title, body_only.title}
    if connection.vendor == "postgresql":
        # SQLite's index has two weights (headline, the rest); PostgreSQL has four.
        assert titles.index(in_dek.title) < titles.index(body_only.title)


def test_every_word_must_match_and_english_stemming_applies(client):
    both = article(headline=f"{WORD} farmers protest", body="Harvests failed across the valley.")
    article(headline=f"{WORD} fishermen protest", body="Catches fell.")
    # "harvest" finds "Harvests", "farmer" finds "farmers".
    assert result_titles(search(client, q=f"{WORD} harvest farmer")) == [both.title]


def test_section_author_and_tag_names_are_searchable(client):
    person = PersonPage.objects.get(slug="amara-okafor")
    science = SectionPage.objects.get(slug="science")
    tagged = article(headline=f"Tagged {WORD}", tags=["Quillwort"])
    by_amara = article(headline=f"Signed {WORD}", bylines=[person])
    in_science = article(headline=f"Filed {WORD}", section=science)
    assert result_titles(search(client, q=f"{WORD} quillwort")) == [tagged.title]
    assert by_amara.title in result_titles(search(client, q=f"{WORD} okafor"))
    assert tagged.title not in result_titles(search(client, q=f"{WORD} okafor"))
    assert result_titles(search(client, q=f"{WORD} science")) == [in_science.title]


def test_a_quoted_phrase_matches_those_words_together(client):
    together = article(headline=f"{WORD} river delta", body="A delta.")
    apart = article(headline=f"{WORD} delta of a river", body="A river.")
    assert result_titles(search(client, q=f'{WORD} "river delta"')) == [together.title]
    assert set(result_titles(search(client, q=f"{WORD} river delta"))) == {
        together.title,
        apart.title,
    }


# Filters -------------------------------------------------------------------------------------


@pytest.fixture
def spread():
    """Articles carrying WORD across sections, authors, types and dates."""
    amara = PersonPage.objects.get(slug="amara-okafor")
    daniel = PersonPage.objects.get(slug="daniel-reyes")
    science = SectionPage.objects.get(slug="science")
    now = timezone.now()
    return {
        "world-news-amara-old": article(
            headline=f"{WORD} one", bylines=[amara], published_at=now - timedelta(days=40)
        ),
        "world-analysis-daniel-recent": article(
            headline=f"{WORD} two",
            bylines=[daniel],
            article_type="analysis",
            published_at=now - timedelta(days=2),
        ),
        "science-news-daniel-recent": article(
            headline=f"{WORD} three",
            section=science,
            bylines=[daniel],
            published_at=now - timedelta(days=1),
        ),
    }


def found(response) -> set[str]:
    return set(result_titles(response))


def titles(spread, *keys) -> set[str]:
    return {spread[key].title for key in keys}


def test_section_filter(client, spread):
    response = search(client, q=WORD, section="science")
    assert found(response) == titles(spread, "science-news-daniel-recent")
    assert 'value="science" selected' in html(response)


def test_author_filter(client, spread):
    response = search(client, q=WORD, author="daniel-reyes")
    assert found(response) == titles(
        spread, "world-analysis-daniel-recent", "science-news-daniel-recent"
    )


def test_type_filter(client, spread):
    response = search(client, q=WORD, type="analysis")
    assert found(response) == titles(spread, "world-analysis-daniel-recent")


def test_date_range_filter(client, spread):
    today = timezone.localdate()
    recent = search(client, q=WORD, **{"from": (today - timedelta(days=7)).isoformat()})
    assert found(recent) == titles(
        spread, "world-analysis-daniel-recent", "science-news-daniel-recent"
    )
    old = search(client, q=WORD, to=(today - timedelta(days=30)).isoformat())
    assert found(old) == titles(spread, "world-news-amara-old")
    # The "to" day is included whole.
    day = timezone.localtime(spread["science-news-daniel-recent"].first_published_at).date()
    one_day = search(client, q=WORD, **{"from": day.isoformat(), "to": day.isoformat()})
    assert titles(spread, "science-news-daniel-recent") <= found(one_day)


def test_filters_combine_and_browse_without_a_query(client, spread):
    response = search(client, q=WORD, section="world", author="daniel-reyes")
    assert found(response) == titles(spread, "world-analysis-daniel-recent")
    # No words, only a filter: the filtered articles, newest first.
    browse = search(client, author="daniel-reyes", section="science")
    listed = result_titles(browse)
    assert spread["science-news-daniel-recent"].title in listed
    dates = [a.first_published_at for a in browse.context["page_obj"].object_list]
    assert dates == sorted(dates, reverse=True)


def test_browsing_without_words_counts_up_to_the_cap(client, monkeypatch):
    monkeypatch.setattr(backend, "RESULTS_CAP", 3)
    for n in range(5):
        article(headline=f"{WORD} note {n}", published_at=factories.hours_ago(n + 1))
    browse = search(client, section="world")
    assert browse.context["page_obj"].paginator.count == 4
    assert "More than 3 results" in html(browse)
    assert result_titles(browse)[0] == f"{WORD} note 0"


def test_sort_by_newest(client, spread):
    newest = result_titles(search(client, q=WORD, sort="newest"))
    assert newest == [
        spread[key].title
        for key in (
            "science-news-daniel-recent",
            "world-analysis-daniel-recent",
            "world-news-amara-old",
        )
    ]


@pytest.mark.parametrize(
    "params, note",
    [
        ({"section": "no-such-section"}, "There is no section"),
        ({"author": "nobody-at-all"}, "No author"),
        ({"type": "gossip"}, "is not an article type"),
        ({"from": "2026-02-30"}, "is not a date"),
        ({"to": "yesterday"}, "is not a date"),
        ({"from": "0001-01-01"}, "is not a date"),
        ({"to": "9999-12-31"}, "is not a date"),
        ({"sort": "random"}, "Unknown order"),
    ],
)
def test_invalid_filter_values_are_ignored_with_a_note(client, spread, params, note):
    response = search(client, q=WORD, **params)
    assert note in html(response)
    assert found(response) == titles(spread, *spread)


def test_dates_the_wrong_way_round_are_swapped(client, spread):
    today = timezone.localdate()
    response = search(
        client, q=WORD, **{"from": today.isoformat(), "to": (today - timedelta(7)).isoformat()}
    )
    assert "we swapped them" in html(response)
    assert found(response) == titles(
        spread, "world-analysis-daniel-recent", "science-news-daniel-recent"
    )


# Snippets --------------------------------------------------------------------------------


def test_snippets_mark_the_matched_words_and_escape_everything_else(client):
    article(
        headline=f"<b>Bold</b> {WORD} claims",
        dek="A dek without the word.",
        body=f'Officials said <script>alert("x")</script> & the {WORD}s were "fine". ' * 3,
    )
    text = html(search(client, q=WORD))
    assert f"<mark>{WORD}s</mark>" in text  # stemmed: the plural is marked too
    assert f"&lt;b&gt;Bold&lt;/b&gt; <mark>{WORD}</mark> claims" in text
    assert "<script>alert" not in text and "<b>Bold" not in text
    assert escape('<script>alert("x")</script>') in text
    snippet = re.search(r'<p class="search-snippet">(.*?)</p>', text, re.S).group(1)
    assert "<mark>" in snippet and "&amp;" in snippet


def test_result_cards_are_kept_and_change_with_their_article_and_its_author(
    client, django_capture_on_commit_callbacks
):
    """A card is rendered once and kept (cards.py): the next search reads no byline, picture
    or body for it; a new headline, a renamed author and unpublishing show at once."""
    person = PersonPage.objects.live().first()
    with django_capture_on_commit_callbacks(execute=True):  # its purges sent, as on commit
        page = article(headline=f"The {WORD} ferry", bylines=[person], body=f"A {WORD} crossing.")
    first = html(search(client, q=WORD))
    assert escape(person.title) in first and f"<mark>{WORD}</mark> crossing" in first

    with CaptureQueriesContext(connection) as captured:
        again = html(search(client, q=f"{WORD} ferry"))
    assert f"The <mark>{WORD}</mark> <mark>ferry</mark>" in again
    sql = "\n".join(query["sql"] for query in captured)
    assert "articles_articlebyline" not in sql and '"articles_articlepage"."body"' not in sql

    person.title = "Ines Carvalho-Lund"
    person.save_revision().publish()
    assert "Ines Carvalho-Lund" in html(search(client, q=WORD))
    page.title = f"The {WORD} ferry returns"
    page.save_revision().publish()
    assert f"<mark>{WORD}</mark> ferry returns" in html(search(client, q=WORD))
    page.unpublish()
    assert "ferry" not in html(search(client, q=WORD))


def test_a_result_that_matched_elsewhere_shows_its_dek():
    marker = Marker(["okafor"])
    assert marker.snippet("Nothing to see here.") is None
    assert marker.mark("Amara Okafor reports") == "Amara <mark>Okafor</mark> reports"


def test_snippet_is_a_window_around_the_matches():
    text = ("Filler words here. " * 40) + "The bramblewick rises. " + ("More filler. " * 40)
    snippet = Marker([WORD]).snippet(text)
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "<mark>bramblewick</mark>" in snippet
    assert len(re.sub("<[^>]+>", "", snippet)) < 260


VOCABULARY = [
    "policy",
    "policies",
    "Elections",
    "electoral",
    "water",
    "İstanbul",
    "istanbul",
    "Straße",
    "café",
    "ying",
    "x",
    "2026",
]


@given(
    query=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3),
    text=st.lists(st.sampled_from([*VOCABULARY, "the", "—", "_", "déjà-vu", "ax_y"]), max_size=30),
)
def test_marker_finds_the_words_a_full_scan_finds(query, text):
    """The marker looks only at words starting like a key: the same words as reading all."""
    marker, text = Marker(query), " ".join(text)
    everything = [m.group() for m in re.finditer(r"[^\W_]+", text) if marker.matches(m.group())]
    assert [m.group() for m in marker.words(text) if marker.matches(m.group())] == everything


# Pagination --------------------------------------------------------------------------------


def test_results_are_paginated_and_links_keep_the_query_and_filters(client):
    for n in range(14):
        article(headline=f"{WORD} dispatch {n}", published_at=factories.hours_ago(n + 1))
    first = search(client, q=WORD, section="world")
    assert len(first.context["page_obj"].object_list) == 12
    assert first.context["page_obj"].paginator.count == 14
    assert f'href="?q={WORD}&amp;section=world&amp;page=2"' in html(first)
    second = search(client, q=WORD, section="world", page="2")
    assert len(second.context["page_obj"].object_list) == 2
    seen = set(result_titles(first)) | set(result_titles(second))
    assert len(seen) == 14
    # Out of range or not a number: the last or the first page, never an error.
    assert search(client, q=WORD, page="999999").context["page_obj"].number == 2
    assert search(client, q=WORD, page="abc").context["page_obj"].number == 1


# What readers never see -------------------------------------------------------------------


def test_drafts_embargoed_expired_and_private_articles_never_appear(client):
    home = factories.home_page()
    listed = article(headline=f"{WORD} listed", published_at=factories.hours_ago(3))
    draft = article(headline=f"{WORD} draft", publish=False)
    embargoed = article(
        headline=f"{WORD} embargoed", published_at=timezone.now() + timedelta(hours=5)
    )
    expired = article(headline=f"{WORD} expired", published_at=factories.hours_ago(4))
    expired.unpublish(set_expired=True)
    private = article(headline=f"{WORD} private", published_at=factories.hours_ago(2))
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    members = factories.make_section(home=home, title="Members", slug="members")
    PageViewRestriction.objects.create(page=members, restriction_type="login")
    in_private_section = article(section=members, headline=f"{WORD} members only")

    for params in ({"q": WORD}, {"q": WORD, "sort": "newest"}, {"q": WORD, "section": "world"}):
        assert result_titles(search(client, **params)) == [listed.title]
    text = html(search(client, q=WORD))
    for page in (draft, embargoed, expired, private, in_private_section):
        assert page.title not in text
    # Nor the demo's own unpublished articles (draft, in review, scheduled, embargoed).
    for page in ArticlePage.objects.exclude(pk__in=ArticlePage.objects.published().values("pk")):
        query = " ".join(page.title.split()[:4])
        assert page.title not in result_titles(search(client, q=query)), page.title


def test_the_section_filter_lists_live_public_sections_as_they_change(
    client, django_capture_on_commit_callbacks
):
    def listed() -> set[str]:
        return set(re.findall(r'<option value="([a-z-]+)"', html(search(client, q=WORD))))

    assert "world" in listed()  # and the cached sections are filled now
    with django_capture_on_commit_callbacks(execute=True):
        garden = factories.make_section(home=factories.home_page(), title="Gardening")
    assert "gardening" in listed()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=garden, restriction_type="login")
    assert "gardening" not in listed()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.filter(page=garden).delete()
        garden.unpublish()
    assert "gardening" not in listed() and "world" in listed()


def test_an_article_appears_when_published_and_disappears_when_unpublished(client):
    page = article(headline=f"{WORD} harbour report", publish=False)
    assert result_titles(search(client, q=WORD)) == []
    page.save_revision().publish()
    assert result_titles(search(client, q=WORD)) == [page.title]
    # Edits reach the index with the next publish.
    page = ArticlePage.objects.get(pk=page.pk)
    page.title = f"{WORD} harbour report, updated with quillwort"
    page.save_revision().publish()
    assert result_titles(search(client, q=f"{WORD} quillwort")) == [page.title]
    page.unpublish()
    assert result_titles(search(client, q=WORD)) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plan")
def test_postgresql_matches_through_the_gin_indexes(client):
    """Wagtail's `(title || body) @@ query` cannot use an index; ours can (backend.py)."""
    with CaptureQueriesContext(connection) as captured:
        search(client, q="river talks")
    sql = "\n".join(query["sql"] for query in captured)
    # Wagtail's index entries (by the table's name or a subquery's alias), or the dated index.
    assert re.search(r'"\w+"\."body" @@|FROM search_dated_article WHERE body @@', sql)
    assert '"title" || ' not in sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_postgresql_planner_settings_are_put_back_after_a_search(client):
    """The candidates are planned without sequential scans or parallel workers; inside a
    caller's transaction (as here), the settings are put back for what follows."""

    def settings():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), "
                "current_setting('max_parallel_workers_per_gather')"
            )
            return cursor.fetchone()

    before = settings()
    with CaptureQueriesContext(connection) as queries:
        search(client, q="water")
    assert any("set_config('enable_seqscan', 'off'" in q["sql"] for q in queries)
    assert settings() == before


@pytest.fixture(params=["dated index", "index entries"])
def dated(request, monkeypatch):
    """Both ways to the matches' dates (backend.py): the dated index, or a join per match."""
    if request.param == "index entries":
        compiler = backend.indexed_postgres_backend_class().query_compiler_class
        monkeypatch.setattr(compiler, "dated", lambda self, searched, ordering: False)
    return request.param


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend")
@pytest.mark.parametrize("walk_cost", [0, 10**9], ids=["walk the dates", "ids from the index"])
def test_postgresql_ranks_and_counts_the_newest_matches_and_older_headline_matches(
    client, monkeypatch, walk_cost, dated
):
    """A common word ranks only its newest matches (and the newest headline matches):
    ranking and counting every match reads every body vector (backend.py). Both ways of
    finding the newest matches give the same results."""
    monkeypatch.setattr(backend, "WALK_COST", walk_cost)
    monkeypatch.setattr(backend, "DATED_WALK_COST", walk_cost)
    monkeypatch.setattr(backend, "RESULTS_CAP", 3)
    monkeypatch.setattr(backend, "HEADLINE_CANDIDATES", 1)
    body_only = [
        article(
            headline=f"Dispatch {n}",
            body=f"The {WORD} report.",
            published_at=factories.hours_ago(n + 1),
        )
        for n in range(6)
    ]
    old_headline = article(headline=f"The {WORD} treaty", published_at=factories.hours_ago(100))
    older_headline = article(headline=f"A {WORD} pact", published_at=factories.hours_ago(200))

    response = search(client, q=WORD)
    titles = result_titles(response)
    # The four newest matches (one past the cap) and the newest older headline match.
    assert titles[0] == old_headline.title
    assert set(titles) == {old_headline.title, *(a.title for a in body_only[:4])}
    assert "More than 3 results" in html(response)

    newest = search(client, q=WORD, sort="newest")
    assert result_titles(newest) == [a.title for a in body_only[:4]]
    # A selective query is below the cap: every match, counted exactly.
    assert result_titles(search(client, q=f"{WORD} pact")) == [older_headline.title]
    assert "1 result for" in html(search(client, q=f"{WORD} pact"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend")
@pytest.mark.parametrize("loose", [2, 1], ids=["enough in the loose matches", "falls back"])
def test_postgresql_phrase_finds_its_newest_matches_from_its_words_in_any_order(
    client, monkeypatch, loose, dated
):
    """A phrase's newest matches are looked for among the newest articles holding its words
    in any order, re-checked by id (backend.py); when those hold too few, the phrase is
    searched as a whole. Either way only the words in that order match, newest first."""
    monkeypatch.setattr(backend, "WALK_COST", 10**9)  # ids from the index, not the walk
    monkeypatch.setattr(backend, "DATED_WALK_COST", 10**9)
    monkeypatch.setattr(backend, "RESULTS_CAP", 2)
    monkeypatch.setattr(backend, "LOOSE", loose)
    reversed_order = [
        article(headline=f"Notice {n}", body=f"The cove {WORD} was calm.", published_at=at)
        for n, at in enumerate([factories.hours_ago(1), factories.hours_ago(3)])
    ]
    in_order = [
        article(headline=f"Report {n}", body=f"The {WORD} cove was calm.", published_at=at)
        for n, at in enumerate(
            [factories.hours_ago(2), factories.hours_ago(4), factories.hours_ago(5)]
        )
    ]

    in_headline = article(headline=f"The {WORD} cove at dawn", published_at=factories.hours_ago(90))
    article(headline=f"A cove, a {WORD} and a storm", published_at=factories.hours_ago(80))

    newest = search(client, q=f'"{WORD} cove"', sort="newest")
    # The cap is 2: three newest of the phrase's matches are found (one past the cap).
    assert result_titles(newest) == [a.title for a in in_order]
    assert not set(result_titles(newest)) & {a.title for a in reversed_order}
    assert "More than 2 results" in html(newest)
    # By relevance, the older headline holding the phrase joins them, first; the one with
    # its words in another order does not.
    relevant = result_titles(search(client, q=f'"{WORD} cove"'))
    assert relevant[0] == in_headline.title
    assert sorted(relevant[1:]) == sorted(a.title for a in in_order)


def dated_row(pk: int, column="body"):
    """(first publication time, whether the `column` vector holds WORD) in the dated index,
    or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT published_at, {column} @@ to_tsquery('english', %s) "  # noqa: S608
            "FROM search_dated_article WHERE page_id = %s",
            [WORD, pk],
        )
        return cursor.fetchone()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's dated index")
def test_postgresql_dated_index_follows_the_index_entries_and_the_pages(client):
    """The triggers keep the dated index in step (migrations/0003_dated_index.py): a new
    entry adds the article's row, a new publication time moves it, and deleting the entry
    or the page removes it. What readers may see is checked elsewhere: an unpublished
    article keeps its row and is still never found."""
    from wagtail.search.models import IndexEntry

    kept = article(headline=f"The {WORD} harbour", published_at=factories.hours_ago(5))
    dropped = article(headline=f"A {WORD} quay", published_at=factories.hours_ago(6))
    in_body = article(headline="Harbour notes", body=f"The {WORD} came in late.")
    assert dated_row(kept.pk) == (kept.first_published_at, True)
    assert dated_row(kept.pk, "headline") == (kept.first_published_at, True)
    assert dated_row(in_body.pk) == (in_body.first_published_at, True)
    assert dated_row(in_body.pk, "headline") == (in_body.first_published_at, False)

    ArticlePage.objects.filter(pk=kept.pk).update(first_published_at=factories.hours_ago(50))
    kept.refresh_from_db()
    assert dated_row(kept.pk) == (kept.first_published_at, True)

    kept.unpublish()
    assert dated_row(kept.pk) is not None
    assert result_titles(search(client, q=WORD)) == [dropped.title, in_body.title]

    IndexEntry.objects.filter(object_id=str(dropped.pk)).delete()
    assert dated_row(dropped.pk) is None
    kept.delete()
    assert dated_row(kept.pk) is None


def test_the_demo_articles_are_in_the_index(client):
    """The session's demo load leaves a populated index: every published demo headline is
    found by its own words."""
    for page in ArticlePage.objects.published().order_by("pk")[:10]:
        query = " ".join([w for w in page.title.split() if w.isalpha() and len(w) > 2][:4])
        assert page.title in result_titles(search(client, q=query)), page.title


# Any input ------------------------------------------------------------------------------

BAD_QUERIES = {
    "100kb": "x" * 100_000,
    "100kb-words": "election " * 12_000,
    "operators": "river AND OR NOT NEAR(talks) -water +dry ~season title:river",
    "quotes": '"unbalanced "phrase "" \'single\' “curly”',
    "parentheses": "((((river) talks",
    "sql": "'; DROP TABLE wagtailcore_page; -- \" OR 1=1 /* */",
    "script": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "fts-syntax": 'river* ^talks NEAR("a" "b", 2) {title}: col:river',
    "tsquery-syntax": "river & !talks | water:* <-> dry",
    "emoji": "🌊🔥 👩🏽‍🚀",
    "emoji-and-word": "river 🌊",
    "rtl": "مرحبا بالعالم שלום עולם",
    "rtl-override": "\u202eriver talks\u202c",
    "nul": "river\x00talks\x00",
    "controls": "\x01\x02\x1b[31mriver\x7f",
    "backslashes": "\\\\river\\",
    "percent-underscore": "100% _river_ %%",
    "only-punctuation": "!@#$%^&*()_+-=[]{};:,./<>?|`~",
    "whitespace": " \t\n\r ",
    "long-word": "a" * 250,
    "many-words": " ".join(f"word{n}" for n in range(200)),
    "cjk": "河流 谈判",
    "combining": "éle\u0301ction Ω",
}


@pytest.mark.parametrize("query", list(BAD_QUERIES.values()), ids=list(BAD_QUERIES))
def test_any_query_gets_a_page_within_its_budget(client, query):
    started = time.monotonic()
    response = search(client, q=query)
    elapsed = time.monotonic() - started
    assert elapsed < 3, f"{elapsed:.2f}s"
    text = html(response)
    assert "<h1" in text
    shown = response.context["query"].text
    assert len(shown) <= MAX_QUERY_LENGTH
    assert "\x00" not in text and "\u202e" not in text
    assert "<script>alert" not in text and "<img src=x" not in text


@pytest.mark.parametrize(
    "query_string",
    [
        "q=%ED%A0%80river",  # invalid UTF-8 (a lone surrogate)
        "q=%FF%FE",
        "q=river&q=talks",  # repeated parameter
        "q=river&page=-1",
        "q=river&page=0",
        "q=river&page=1e9",
        "q=river&section=%00&author=%00&type=%00&from=%00&to=%00&sort=%00",
        "q=river&section=" + "s" * 10_000,
        "q=river&from=2026-1-1&to=20261231",
        "section=../../etc/passwd",
        "page=abc",
        "page=999999",
    ],
)
def test_any_parameters_get_a_page(client, query_string):
    response = client.get(f"/search/?{query_string}")
    assert response.status_code == 200


def test_a_long_query_is_cut_and_the_page_says_so(client):
    response = search(client, q="river " * 100)
    # Cut at the last whole word within the limit.
    assert response.context["query"].text == " ".join(["river"] * 33)
    assert f"first {MAX_QUERY_LENGTH} characters" in html(response)
    words = ReaderQuery.parse(" ".join(f"w{n}" for n in range(40)))
    assert len(words.all_words) == MAX_TERMS and words.dropped_terms


def test_symbols_alone_say_what_is_searched(client):
    response = search(client, q="🌊🔥 ((( )))")
    assert "symbols and emoji on their own are not searched" in html(response)


def test_the_query_is_shown_back_escaped(client):
    query = '<script>alert("x")</script> river'
    text = html(search(client, q=query))
    assert "<script>alert" not in text
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; river"' in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; river" in text.split("<main")[1]


# Empty state ---------------------------------------------------------------------------------


def test_no_results_offers_help_and_a_spelling_suggestion(client):
    cache.delete(CACHE_KEY)
    response = search(client, q="orumma", section="opinion")
    text = html(response)
    assert "No articles match" in text and "with these filters" in text
    assert "Check the spelling" in text and "search without the filters" in text
    assert '<a href="/world/">World</a>' in text  # browse the sections
    assert response.context["suggestion"] == "oruma"
    # "oruma" is in World, not Opinion: the suggestion drops the filter to find it.
    assert 'Did you mean <a href="?q=oruma">oruma</a>?' in text


def test_the_empty_page_invites_a_search(client):
    response = search(client)
    assert response.context["page_obj"] is None
    assert "Find articles by headline" in html(response)


# Caching and indexing -------------------------------------------------------------------------


def test_noindex_no_cookies_and_publicly_cacheable(client):
    response = search(client, q="river", section="world")
    assert '<meta name="robots" content="noindex">' in html(response)
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "public" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" not in html(response)
    assert client.post("/search/", {"q": "river"}).status_code == 405


def test_the_masthead_has_an_accessible_search_form_on_every_page(client):
    text = html(client.get("/"))
    form = re.search(r'<form class="masthead-search"[^>]*>.*?</form>', text, re.S).group()
    assert 'role="search"' in form and 'method="get"' in form and 'action="/search/"' in form
    assert '<label class="visually-hidden" for="masthead-q">' in form
    # The search page has its own, larger form instead.
    assert "masthead-search" not in html(search(client, q="river"))


def test_autocomplete_counts_as_the_admin_asks(client):
    """The admin's page search autocompletes and counts with Wagtail's own compiler, which
    finds no candidates of ours (backend.py counts those it has)."""
    article = ArticlePage.objects.published().first()
    prefix = article.title.split()[0][:4]
    results = ArticlePage.objects.autocomplete(prefix)
    assert results.count() >= 1
    assert article.pk in {page.pk for page in results[:100]} or results.count() > 100
