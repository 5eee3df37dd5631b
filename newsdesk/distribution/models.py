from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

POLICY_FIELDS = {
    # schema.org property (the Trust Project's indicators) -> the field naming the page.
    "publishingPrinciples": "publishing_principles",
    "correctionsPolicy": "corrections_policy",
    "ethicsPolicy": "ethics_policy",
    "masthead": "masthead",
    "ownershipFundingInfo": "ownership_funding",
    "diversityPolicy": "diversity_policy",
    "actionableFeedbackPolicy": "feedback_policy",
    "verificationFactCheckingPolicy": "verification_policy",
}


def _policy_page(label: str):
    return models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


@register_setting(icon="globe")
class Distribution(BaseSiteSetting):
    """How the site presents itself to feed readers, search engines and social networks."""

    class FeedContent(models.TextChoices):
        FULL = "full", "Full text"
        SUMMARY = "summary", "Summary only (standfirst)"

    feed_content = models.CharField(
        max_length=10, choices=FeedContent.choices, default=FeedContent.FULL
    )
    feed_items = models.PositiveSmallIntegerField(
        "items per feed", default=50, help_text="Between 10 and 200."
    )
    logo = models.ForeignKey(
        "images.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The publisher's logo for search engines: at least 112 px wide, PNG or JPEG.",
    )
    founding_year = models.PositiveSmallIntegerField(null=True, blank=True)
    social_handle = models.CharField(
        "X/Twitter handle", max_length=40, blank=True, help_text='e.g. "@themeridian"'
    )
    publishing_principles = _policy_page("publishing principles")
    corrections_policy = _policy_page("corrections policy")
    ethics_policy = _policy_page("ethics policy")
    masthead = _policy_page("masthead")
    ownership_funding = _policy_page("ownership and funding")
    diversity_policy = _policy_page("diversity policy")
    feedback_policy = _policy_page("actionable feedback policy")
    verification_policy = _policy_page("verification and fact-checking policy")

    panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("feed_content"), FieldPanel("feed_items")])],
            heading="Feeds",
        ),
        MultiFieldPanel(
            [
                FieldPanel("logo"),
                FieldRowPanel([FieldPanel("founding_year"), FieldPanel("social_handle")]),
            ],
            heading="Publisher",
        ),
        MultiFieldPanel(
            [FieldPanel(name) for name in POLICY_FIELDS.values()],
            heading="Trust and policies",
            help_text="Pages that search engines and readers use to judge the publication.",
        ),
    ]

    class Meta:
        verbose_name = "distribution and metadata"

    def clean(self):
        from django.core.exceptions import ValidationError

        if not 10 <= self.feed_items <= 200:
            raise ValidationError({"feed_items": "Choose between 10 and 200 items per feed."})
