"""Inputs with a live character count against a recommended length (the Promote tab).

Wagtail 8.0 has no counter for plain text fields (its page metadata checks arrive in 8.1), so
a small Stimulus controller, registered on Wagtail's own Stimulus application, counts as the
editor types. It loads only with these widgets, that is only in the admin.
"""

from django import forms
from wagtail.admin.widgets import AdminAutoHeightTextInput

CONTROLLER = "nd-length-hint"
SCRIPT = "distribution/admin/length-hint.js"


def _attrs(recommended: int, attrs: dict | None, controllers: str = "") -> dict:
    return {
        **(attrs or {}),
        "data-controller": f"{controllers} {CONTROLLER}".strip(),
        f"data-{CONTROLLER}-max-value": str(recommended),
    }


class LengthHintInput(forms.TextInput):
    def __init__(self, *, recommended: int, attrs: dict | None = None):
        super().__init__(_attrs(recommended, attrs))

    @property
    def media(self):
        return forms.Media(js=[SCRIPT])


class LengthHintTextarea(AdminAutoHeightTextInput):
    """Wagtail's auto-growing textarea, with the count."""

    def __init__(self, *, recommended: int, attrs: dict | None = None):
        super().__init__(_attrs(recommended, attrs, controllers="w-autosize"))

    @property
    def media(self):
        return forms.Media(js=[SCRIPT])
