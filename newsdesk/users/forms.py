from django import forms


class CodeForm(forms.Form):
    """A code from the authenticator app, or one of the backup codes."""

    code = forms.CharField(
        label="Verification code",
        max_length=20,
        strip=True,
        help_text="The 6-digit code your authenticator app shows now, or a backup code.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class AppCodeForm(CodeForm):
    """Confirms a new authenticator app: only its own 6-digit code will do."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.help_text = "The 6-digit code the app shows for Newsdesk once you have added it."
        field.widget.attrs["inputmode"] = "numeric"
