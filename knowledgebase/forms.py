"""Reader-facing forms: search, vote."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import registry

from .models import Kind


def public_kind_choices() -> list[tuple[str, str]]:
    """The knowledge base's kinds and those other apps index publicly (the forum's topics)."""
    return [*Kind.choices, *registry.search_kinds.items()]


def public_kinds() -> list[str]:
    return [key for key, _label in public_kind_choices()]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False, strip=True)
    kind = forms.ChoiceField(label=_("Type"), choices=(), required=False)
    page = forms.IntegerField(min_value=1, max_value=50, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All types")), *public_kind_choices()]


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Was this helpful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose “Yes” or “No”, then send your feedback."),
            "invalid_choice": _("Choose “Yes” or “No”, then send your feedback."),
        },
    )
    comment = forms.CharField(
        label=_("Anything we should add or fix? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
