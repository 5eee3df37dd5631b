"""The article editor's form, and the one rule it adds: no publishing a placeholder headline.

Copy intake (`importers/intake.py`) titles a draft whose copy had no headline
"[Needs a headline] <suggestion>", so that the editor writes one. Saving such a draft works;
publishing it, or approving it in a workflow, is refused here with the reason on the headline
field. `ArticlePage.publish` applies the same rule to every other way of publishing (services,
bulk actions, schedules), where it raises a ValidationError.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm

NEEDS_HEADLINE = "[Needs a headline]"
NEEDS_HEADLINE_MESSAGE = (
    f"Write a headline before publishing: this one still starts with “{NEEDS_HEADLINE}”, "
    "the placeholder copy intake left with its suggestion. Saving the draft still works."
)


def needs_headline(title: str) -> bool:
    """Whether a headline is still copy intake's placeholder."""
    return " ".join(title.split()).lower().startswith(NEEDS_HEADLINE.lower())


class PlaceholderHeadline(ValidationError):
    """Publishing refused: the headline is still copy intake's placeholder."""

    def __init__(self, page_id: int | None = None):
        super().__init__({"title": NEEDS_HEADLINE_MESSAGE})
        self.page_id = page_id


def check_headline(title: str, *, page_id: int | None = None) -> None:
    """PlaceholderHeadline (a ValidationError on `title`) if a headline about to be
    published is the placeholder."""
    if needs_headline(title):
        raise PlaceholderHeadline(page_id)


class ArticlePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        if self.publishing and needs_headline(cleaned_data.get("title") or ""):
            self.add_error("title", NEEDS_HEADLINE_MESSAGE)
        return cleaned_data

    @property
    def publishing(self) -> bool:
        """Publish (or schedule) pressed, or a workflow step approved: each leads to the
        headline going out. Saving a draft and submitting it for review do not."""
        data = self.data
        if data.get("action-publish"):
            return True
        approving = data.get("workflow-action-name") == "approve"
        return bool(data.get("action-workflow-action")) and approving
