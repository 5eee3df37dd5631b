from django import forms

from .models import Comment


class CommentForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name", help_text="Shown with your comment.")
    email = forms.EmailField(
        max_length=254, label="Email", help_text="Never shown. Used only if you ask for replies."
    )
    website = forms.URLField(
        max_length=300, required=False, label="Website (optional)", assume_scheme="https"
    )
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 5}))
    notify = forms.BooleanField(
        required=False, label="Email me when my comment is published or someone replies"
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    token = forms.CharField(widget=forms.HiddenInput)
    # A field people never see; bots fill it in.
    homepage = forms.CharField(required=False, label="Leave this field empty")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            for name in ("name", "email"):
                self.fields[name].required = False

    def clean_website(self):
        url = self.cleaned_data.get("website", "")
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Only http:// and https:// addresses are allowed.")
        return url

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("homepage"))


def initial_form(*, article_id: int, parent: Comment | None = None, data=None) -> CommentForm:
    from newsdesk.core.middleware import volatile

    from .tokens import make_token

    initial = {"token": volatile(make_token(article_id)), "parent": parent.pk if parent else None}
    if data is not None:
        data = data.copy()
        data["token"] = initial["token"]
        return CommentForm(data)
    return CommentForm(initial=initial)
