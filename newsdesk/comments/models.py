from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


class CommentQuerySet(models.QuerySet):
    def visible(self) -> "CommentQuerySet":
        """What readers may see: approved comments. The one definition, used everywhere."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self) -> "CommentQuerySet":
        return self.filter(status=Comment.Status.PENDING)


class Comment(models.Model):
    wagtail_reference_index_ignore = True  # not a "usage"; indexing queued a task per save

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    article = models.ForeignKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author_name = models.CharField("name", max_length=80)
    author_email = models.EmailField("email", blank=True, help_text="Never shown to readers.")
    author_url = models.URLField("website", blank=True, max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    is_staff_reply = models.BooleanField("staff", default=False)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    hold_reason = models.CharField(
        max_length=120, blank=True, help_text="Why the comment was held or flagged automatically."
    )
    removal_reason = models.CharField(
        max_length=255, blank=True, help_text="Shown to moderators; kept with the comment."
    )
    is_pinned = models.BooleanField("pinned", default=False)
    is_highlighted = models.BooleanField("editor's pick", default=False)
    notify = models.BooleanField(
        default=False, help_text="The commenter asked to be emailed about approval and replies."
    )
    network_hash = models.CharField(max_length=64, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, editable=False, db_index=True)
    submission_key = models.CharField(max_length=64, unique=True, editable=False)
    # A default rather than auto_now_add, so imports store the source's date in one INSERT.
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    moderators_notified = models.BooleanField(default=False, editable=False)

    objects = CommentQuerySet.as_manager()

    panels = [
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("status"), FieldPanel("removal_reason")]),
        FieldRowPanel([FieldPanel("is_pinned"), FieldPanel("is_highlighted")]),
        MultiFieldPanel(
            [FieldPanel("author_name"), FieldPanel("author_email"), FieldPanel("author_url")],
            heading="Commenter",
        ),
    ]

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["article", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "spam", "removed"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="comment_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:60]}"

    @property
    def excerpt(self) -> str:
        return self.body if len(self.body) <= 140 else self.body[:139].rstrip() + "…"

    @property
    def safe_url(self) -> str:
        """The commenter's website, only if it is a plain web address."""
        url = self.author_url.strip()
        return url if url.lower().startswith(("http://", "https://")) else ""

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.article.url}#{self.anchor}"


@register_setting(icon="comment")
class CommentSettings(BaseSiteSetting):
    """How reader comments are moderated and defended, per site."""

    class Moderation(models.TextChoices):
        PRE = "pre", "Pre-moderation: every comment waits for a moderator"
        POST = "post", "Post-moderation: comments appear at once, moderators review after"
        TRUSTED = "trusted", "Trusted commenters: appear at once after enough approved comments"

    moderation = models.CharField(max_length=10, choices=Moderation.choices, default=Moderation.PRE)
    trust_after = models.PositiveSmallIntegerField(
        default=3, help_text="Approved comments after which a commenter is trusted."
    )
    allow_guests = models.BooleanField(
        default=True, help_text="Readers may comment without an account."
    )
    close_after_days = models.PositiveSmallIntegerField(
        default=30, help_text="Close comments this many days after publication (0: never)."
    )
    max_length = models.PositiveIntegerField(default=3000, help_text="Characters per comment.")
    max_links = models.PositiveSmallIntegerField(
        default=2, help_text="Comments with more links wait for a moderator."
    )
    daily_top_level_limit = models.PositiveSmallIntegerField(
        default=3, help_text="New threads one reader may start on one article per day."
    )
    blocklist = models.TextField(
        blank=True, help_text="Words or phrases, one per line; comments containing them go to spam."
    )
    moderator_emails = models.TextField(
        blank=True,
        help_text="Addresses that get a digest of comments awaiting moderation, one per line.",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("moderation"), FieldPanel("trust_after"), FieldPanel("allow_guests")],
            heading="Moderation",
        ),
        MultiFieldPanel(
            [
                FieldPanel("close_after_days"),
                FieldPanel("max_length"),
                FieldPanel("max_links"),
                FieldPanel("daily_top_level_limit"),
                FieldPanel("blocklist"),
            ],
            heading="Limits and defences",
        ),
        FieldPanel("moderator_emails"),
    ]

    class Meta:
        verbose_name = "comment settings"

    @property
    def blocked_terms(self) -> list[str]:
        return [line.strip().lower() for line in self.blocklist.splitlines() if line.strip()]

    @property
    def moderator_addresses(self) -> list[str]:
        return [line.strip() for line in self.moderator_emails.splitlines() if line.strip()]
