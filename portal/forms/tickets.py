"""Forms on the ticket pages: list filters, reply, reopen, rating."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MultipleFileField
from helpdesk.services.attachments import ACCEPT_ATTRIBUTE
from helpdesk.uploads import StagedFilesForm
from portal.selectors import STATUS_FILTERS


class TicketFilterForm(forms.Form):
    """GET filters of the ticket list; values are stable codes, labels are translated."""

    STATUS_CHOICES = [
        ("", _("All")),
        ("open", _("Open")),
        ("waiting", _("Waiting on me")),
        ("resolved", _("Resolved")),
        ("closed", _("Closed")),
    ]
    SCOPE_CHOICES = [("", _("Whole organization")), ("mine", _("Only mine"))]

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Reference or words")}),
    )
    scope = forms.ChoiceField(label=_("Show"), choices=SCOPE_CHOICES, required=False)

    def __init__(self, *args: Any, org_admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not org_admin:
            del self.fields["scope"]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        status = data.get("status") or ""
        return {
            "status": status if status in STATUS_FILTERS else "",
            "query": data.get("q") or "",
            "scope": data.get("scope") or "",
        }


class ReplyForm(StagedFilesForm):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write a message first.")},
    )
    attachments = MultipleFileField(label=_("Add files"), accept=ACCEPT_ATTRIBUTE)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still not working?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How did we do?"),
        coerce=int,
        choices=[
            (5, _("5 — excellent")),
            (4, _("4 — good")),
            (3, _("3 — okay")),
            (2, _("2 — poor")),
            (1, _("1 — very poor")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
