from django import forms

from newsdesk.articles.models import SectionPage

MAX_COPY = 200_000  # characters: a long feature is about 40,000


class PasteCopyForm(forms.Form):
    copy = forms.CharField(
        label="Copy",
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false"}),
        max_length=MAX_COPY,
        help_text="Paste the whole text: headline, caption, dateline, body, credits and any "
        "reader comments after them.",
    )
    section = forms.ModelChoiceField(
        queryset=SectionPage.objects.none(), empty_label=None, help_text="Where the draft goes."
    )

    def __init__(self, *args, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections
