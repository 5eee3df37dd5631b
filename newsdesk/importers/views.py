"""The admin's "Paste copy" screen: raw copy in, a draft to review out."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies.pages import PagePermissionPolicy

from newsdesk.articles.models import SectionPage

from .forms import PasteCopyForm
from .intake import import_copy


def sections_for(user):
    """Sections the user may add articles to."""
    can_add = PagePermissionPolicy().instances_user_has_permission_for(user, "add")
    return SectionPage.objects.filter(pk__in=can_add.values("pk")).order_by("path")


class PasteCopyView(WagtailAdminTemplateMixin, FormView):
    form_class = PasteCopyForm
    template_name = "importers/admin/paste_copy.html"
    page_title = "Paste copy"
    header_icon = "clipboard-list"

    def dispatch(self, request, *args, **kwargs):
        self.sections = sections_for(request.user)
        if not self.sections.exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "sections": self.sections}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=reverse("importers_paste_copy"),
            submit_button_label="Create draft",
            submit_button_active_label="Creating draft…",
            **kwargs,
        )

    def form_valid(self, form):
        try:
            result = import_copy(
                text=form.cleaned_data["copy"],
                section=form.cleaned_data["section"],
                owner=self.request.user,
            )
        except (ValueError, ValidationError) as error:
            form.add_error("copy", f"This copy could not be made into a draft: {error}")
            return self.form_invalid(form)
        page, parsed = result.article.obj, result.parsed
        done = {"created": "Draft created", "updated": "Draft updated"}.get(
            result.article.action, "This copy was already pasted; here is its draft"
        )
        messages.success(
            self.request,
            f"{done} from the copy: {len(parsed.paragraphs)} paragraphs, "
            f"{len(parsed.subheadings)} subheadings, {len(result.comments)} reader comments. "
            "Review it before submitting or publishing.",
        )
        if parsed.needs_headline:
            messages.warning(
                self.request,
                f"Needs a headline: the copy has none. Suggested: “{parsed.suggested_headline}” "
                "(in the headline field for now, marked until you write one).",
            )
        for note in result.notes[1 if parsed.needs_headline else 0 :]:
            messages.info(self.request, note)
        return redirect("wagtailadmin_pages:edit", page.pk)
