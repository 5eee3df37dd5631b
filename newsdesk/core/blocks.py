"""StreamField blocks shared by articles and standard pages. One template per block."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

PARAGRAPH_FEATURES = ["bold", "italic", "link", "superscript", "subscript"]


class SubheadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        template = "blocks/subheading.html"
        form_classname = "title"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(
        required=False, help_text='Who said it, e.g. "Ana Ruiz, mayor of Tarsa".'
    )

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.TextBlock(required=False, help_text="Leave empty to use the image's caption.")
    credit = blocks.CharBlock(required=False, help_text="Leave empty to use the image's credit.")

    class Meta:
        icon = "image"
        template = "blocks/figure.html"


class EmbedFigureBlock(blocks.StructBlock):
    embed = EmbedBlock(help_text="A link to a video, post or map from a supported provider.")
    caption = blocks.TextBlock(required=False)

    class Meta:
        icon = "media"
        template = "blocks/embed.html"


class FactBoxBlock(blocks.StructBlock):
    title = blocks.CharBlock(default="At a glance")
    items = blocks.ListBlock(blocks.CharBlock(label="Fact"))

    class Meta:
        icon = "list-ul"
        template = "blocks/fact_box.html"


class RelatedLinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(required=False, page_type="articles.ArticlePage")
    url = blocks.URLBlock(required=False, help_text="An outside link, if no article is chosen.")
    title = blocks.CharBlock(required=False, help_text="Defaults to the article's headline.")

    class Meta:
        icon = "link"
        template = "blocks/related_link.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = "Choose an article or enter a URL, not both."
            raise blocks.StructBlockValidationError(
                block_errors={"page": ErrorList([ValidationError(message)])}
            )
        if value.get("url") and not value.get("title"):
            raise blocks.StructBlockValidationError(
                block_errors={"title": ErrorList([ValidationError("A link needs a title.")])}
            )
        return value


def paragraph_block() -> blocks.RichTextBlock:
    return blocks.RichTextBlock(
        features=PARAGRAPH_FEATURES, icon="pilcrow", template="blocks/paragraph.html"
    )


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = paragraph_block()
    subheading = SubheadingBlock()
    quote = QuoteBlock()
    pull_quote = QuoteBlock(template="blocks/pull_quote.html", icon="openquote")
    image = FigureBlock()
    embed = EmbedFigureBlock()
    fact_box = FactBoxBlock()
    related_link = RelatedLinkBlock()


class StandardBodyBlock(blocks.StreamBlock):
    paragraph = paragraph_block()
    subheading = SubheadingBlock()
    quote = QuoteBlock()
    image = FigureBlock()
