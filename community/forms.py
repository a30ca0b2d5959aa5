"""The forum's forms. They only carry input: every rule (lengths, limits, links, files) is
the services', and their messages come back through `core.forms.add_service_errors`."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MultipleFileField
from helpdesk.models import Category
from helpdesk.services.attachments import ACCEPT_ATTRIBUTE
from helpdesk.uploads import StagedFilesForm

from .models import Board, FlagReason, Tag
from .services.text import BODY_MAX, TITLE_MAX


class _FilesMixin(StagedFilesForm):
    attachments = MultipleFileField(label=_("Add files (screenshots, logs)"), accept=ACCEPT_ATTRIBUTE)


def _body_field(label) -> forms.CharField:
    # Not required here: the service says what is missing in the forum's own words.
    return forms.CharField(
        label=label,
        required=False,
        max_length=BODY_MAX * 2,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown works: **bold**, `code`, lists, > quotes. Mention someone with @handle."),
    )


class TopicForm(_FilesMixin):
    board = forms.ModelChoiceField(
        label=_("Board"), queryset=Board.objects.none(), empty_label=None, required=True
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=TITLE_MAX * 2,
        widget=forms.TextInput(attrs={"data-similar": "1", "autocomplete": "off"}),
        help_text=_("Your question in one line, e.g. “How do I reverse a posted voucher in U8?”"),
    )
    body = _body_field(_("Details"))
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags (up to 3)"),
        queryset=Tag.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["board", "title", "body", "tags", "attachments", "staging"]

    def __init__(self, *args: Any, boards: list[Board] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = Board.objects.filter(pk__in=[b.pk for b in boards])


class ReplyForm(_FilesMixin):
    body = _body_field(_("Your reply"))
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**62)
    field_order = ["body", "attachments", "quote", "staging"]


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=TITLE_MAX * 2)
    body = _body_field(_("Text"))
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags (up to 3)"),
        queryset=Tag.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, question: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not question:
            del self.fields["title"]
            del self.fields["tags"]


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why does this post not belong here?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why the post does not belong here.")},
    )
    note = forms.CharField(
        label=_("Anything the moderators should know? (needed for “Something else”)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EscalateForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=Category.objects.filter(is_active=True).order_by("position", "name"),
        empty_label=_("Choose a category"),
        error_messages={"required": _("Choose what the request is about.")},
    )
    note = forms.CharField(
        label=_("Anything to add for the support team? (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the community"), max_length=200, required=False, strip=True)
    page = forms.IntegerField(min_value=1, max_value=50, required=False)
