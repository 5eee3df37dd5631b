"""A publication has the worker make its lead image's renditions: no reader waits for them."""

import pytest

from newsdesk.articles.models import SectionPage
from newsdesk.demo import factories
from newsdesk.images.tasks import article_renditions, make_article_renditions

pytestmark = pytest.mark.django_db


def test_publishing_an_article_makes_its_renditions(django_capture_on_commit_callbacks):
    image = factories.make_image(title="Harbour at dawn", size=(640, 360))
    assert not image.renditions.exists()
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_article(
            section=SectionPage.objects.get(slug="world"), headline="Cranes idle", image=image
        )
    specs = set(image.renditions.values_list("filter_spec", flat=True))
    assert specs == set(article_renditions())


def test_a_deleted_image_is_nothing_to_do():
    image = factories.make_image(title="Gone", size=(64, 36))
    pk = image.pk
    image.delete()
    assert make_article_renditions.call(pk) == 0
