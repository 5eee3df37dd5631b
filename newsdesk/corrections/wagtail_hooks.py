"""Corrections in the Wagtail admin: the list, add and edit through the services, a "Withdraw"
action where delete would be, and "Add a correction note" from the article editor."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from newsdesk.articles.models import ArticlePage

from .models import ArticleNote
from .services import ADD_ACTION, WITHDRAW_ACTION, note_add, note_update, note_withdraw


class NoteForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "article" in self.fields:
            self.fields["article"].disabled = True
            self.fields["article"].help_text = (
                "A note stays with its article. Added to the wrong one? Withdraw it and add it "
                "to the right one."
            )


def articles_with_notes(request):
    return ArticlePage.objects.filter(notes__isnull=False).distinct().order_by("title")


class NoteFilterSet(WagtailFilterSet):
    article = django_filters.ModelChoiceFilter(label="Article", queryset=articles_with_notes)
    withdrawn = django_filters.BooleanFilter(
        label="Withdrawn", field_name="withdrawn_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = ArticleNote
        fields = ["kind", "article", "withdrawn"]


class StateColumn(Column):
    def get_value(self, instance):
        withdrawn = instance.is_withdrawn
        return format_html(
            '<span class="w-status{}">{}</span>',
            "" if withdrawn else " w-status--primary",
            "Withdrawn" if withdrawn else "Shown",
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the note and in its history. Readers no longer see the note.",
    )


class NoteIndexView(snippet_views.IndexView):
    @cached_property
    def columns(self):
        # Without the bulk-action checkboxes: the only snippet bulk action is delete.
        return [c for c in super().columns if not isinstance(c, BulkActionsCheckboxColumn)]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("article").defer("article__body")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        url = withdraw_url(self.request.user, instance)
        if url:
            buttons.append(MenuItem("Withdraw", url=url, icon_name="warning", priority=30))
        return buttons


class NoteCreateView(snippet_views.CreateView):
    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or self.model()
        article_id = self.request.GET.get("article", "")
        if article_id.isdigit():
            article = ArticlePage.objects.published().filter(pk=article_id).first()
            if article is not None:
                instance.article = article
        return instance

    def save_instance(self):
        draft = self.form.save(commit=False)
        return note_add(
            article=draft.article,
            kind=draft.kind,
            text=draft.text,
            noted_at=draft.noted_at,
            by=self.request.user,
        )


class NoteEditView(snippet_views.EditView):
    def dispatch(self, request, *args, **kwargs):
        if self.object.is_withdrawn:
            messages.warning(request, "This note was withdrawn and can no longer be changed.")
            return redirect(viewset.get_url_name("inspect"), self.object.pk)
        return super().dispatch(request, *args, **kwargs)

    def save_instance(self):
        note = self.form.save(commit=False)
        return note_update(note=note, by=self.request.user, changed=self.form.has_changed())

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        url = withdraw_url(self.request.user, self.object)
        if url:
            buttons.append(Button("Withdraw", url=url, icon_name="warning", priority=20))
        return buttons


class WithdrawView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    model = ArticleNote
    permission_required = "withdraw"
    form_class = WithdrawForm
    template_name = "corrections/admin/withdraw.html"
    page_title = "Withdraw note"
    header_icon = "warning"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(
            ArticleNote.objects.select_related("article"), pk=kwargs["pk"]
        )

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            object=self.object,
            index_url=reverse(viewset.get_url_name("list")),
            action_url=reverse(viewset.get_url_name("withdraw"), args=[self.object.pk]),
        )

    def form_valid(self, form):
        try:
            note_withdraw(
                note=self.object, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Withdrawn: {self.object}. Readers no longer see it.")
        return redirect(viewset.get_url_name("list"))


class NoteViewSet(SnippetViewSet):
    model = ArticleNote
    icon = "warning"
    menu_label = "Corrections"
    menu_name = "corrections"
    menu_order = 165
    add_to_admin_menu = True
    list_per_page = 50
    ordering = ["-noted_at", "-pk"]
    filterset_class = NoteFilterSet
    edit_handler = ObjectList(ArticleNote.panels, base_form_class=NoteForm)
    search_fields = ["text"]
    inspect_view_enabled = True
    copy_view_enabled = False  # a copy would be saved around note_add()
    inspect_view_fields = [
        "article",
        "kind",
        "noted_at",
        "text",
        "created_at",
        "created_by",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawn_reason",
    ]
    index_view_class = NoteIndexView
    index_template_name = "corrections/admin/index.html"
    add_view_class = NoteCreateView
    edit_view_class = NoteEditView
    list_display = [
        "__str__",  # the title column: links to the note and carries its buttons
        Column("article", label="Article"),
        Column("kind", label="Type", accessor="get_kind_display"),
        DateColumn("noted_at", label="Time"),
        StateColumn("withdrawn_at", label="Readers"),
    ]

    @cached_property
    def withdraw_view(self):
        return self.construct_view(WithdrawView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("withdraw/<int:pk>/", self.withdraw_view, name="withdraw"),
        ]


viewset = NoteViewSet()
register_snippet(viewset)


def withdraw_url(user, note: ArticleNote) -> str:
    if note.is_withdrawn or not user.has_perm("corrections.withdraw_articlenote"):
        return ""
    return reverse(viewset.get_url_name("withdraw"), args=[note.pk])


@hooks.register("register_bulk_action", order=100)  # after, so replacing, snippets' own delete
class RefuseBulkDelete(SnippetBulkAction):
    """Notes are withdrawn one by one, never deleted: the bulk delete URL refuses them."""

    models = [ArticleNote]
    display_name = "Delete"
    action_type = "delete"
    aria_label = "Correction notes cannot be deleted"

    def dispatch(self, request, *args, **kwargs):
        raise PermissionDenied("Correction notes cannot be deleted; withdraw them instead.")


class NoteLogFormatter(LogFormatter):
    verb = ""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        kind = data.get("kind", "note")
        message = f"{self.verb} a {kind} note: “{data.get('text', '')}”"
        if data.get("reason"):
            message += f" Reason: {data['reason']}"
        return message


@hooks.register("register_log_actions")
def register_note_actions(actions):
    @actions.register_action(ADD_ACTION)
    class AddNote(NoteLogFormatter):
        label = "Add correction note"
        verb = "Added"

    @actions.register_action(WITHDRAW_ACTION)
    class WithdrawNote(NoteLogFormatter):
        label = "Withdraw correction note"
        verb = "Withdrew"


class AddNoteMenuItem(ActionMenuItem):
    label = "Add a correction note"
    name = "action-add-correction-note"
    icon_name = "warning"

    def is_shown(self, context):
        page = context.get("page")
        return (
            context["view"] == "edit"
            and isinstance(page, ArticlePage)
            and page.live
            and context["request"].user.has_perm("corrections.add_articlenote")
        )

    def get_url(self, parent_context):
        add_url = reverse(viewset.get_url_name("add"))
        return f"{add_url}?article={parent_context['page'].pk}"


@hooks.register("register_page_action_menu_item")
def register_add_note_menu_item():
    return AddNoteMenuItem(order=60)
