"""Generated copy, hostile and huge fields included, always becomes a draft (or a clear error)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.importers.intake import import_copy

from .test_text_properties import SHAPES

pytestmark = pytest.mark.django_db

long_word = st.text(alphabet="abcdefghij", min_size=300, max_size=400)
line = st.one_of(
    st.sampled_from(SHAPES),
    st.text(max_size=300),
    long_word.map(lambda w: f"Tags: {w}, {w[:5]}"),
    long_word.map(lambda w: f"By {w.title()}"),
    long_word.map(lambda w: f"{w.upper()} — {w}."),
    long_word.map(lambda w: f"A caption about {w}. ({w[:60]})"),
)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(line, min_size=1, max_size=25).map("\n".join))
def test_any_copy_becomes_a_draft(text):
    if not text.strip():
        return
    section = SectionPage.objects.get(slug="world")
    result = import_copy(text=text, section=section)
    page = ArticlePage.objects.get(pk=result.article.obj.pk)
    assert not page.live and page.title
    assert page.comments.count() == len(result.parsed.comments)
