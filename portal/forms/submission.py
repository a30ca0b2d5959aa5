"""The submission wizard's forms: a one-line summary first, then the detailed description.

The detailed form scores the description for the live meter (helpdesk.quality); the intake
service decides whether it is good enough, and its per-field refusal is shown on the form, so
the server refuses exactly what the meter flags.
"""

import uuid
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.clock import resolve_now
from core.forms import MultipleFileField
from helpdesk.models import Category, ErpSystem, PluginVersion
from helpdesk.models.tickets import DESCRIPTION_FIELDS
from helpdesk.quality import QualityReport, score_description
from helpdesk.services.attachments import ACCEPT_ATTRIBUTE
from helpdesk.services.intake import TICKET_FIELDS
from helpdesk.uploads import StagedFilesForm


def active_categories():
    return Category.objects.filter(is_active=True).order_by("position", "name")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.name


class SummaryForm(forms.Form):
    """Step 1: what is it about, in one line."""

    category = CategoryChoiceField(
        label=_("What is it about?"),
        queryset=Category.objects.none(),
        empty_label=_("Choose a topic"),
    )
    subject = forms.CharField(
        label=_("Summary"),
        max_length=200,
        help_text=_(
            "One line: which function failed and how, e.g. “generating a voucher from a receipt fails: account does not exist”."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-suggest": "1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = active_categories()


def plugin_version_choices() -> list[tuple[str, str]]:
    choices = [("", _("Choose a version"))]
    for version in PluginVersion.objects.order_by("-released_on"):
        label = (
            version.version
            if version.is_supported
            else _("%(version)s (no longer supported)") % {"version": version.version}
        )
        choices.append((version.version, label))
    return choices


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


TEXTAREA = {"rows": 4}
SHORT_TEXTAREA = {"rows": 2}


class TicketDetailsForm(StagedFilesForm):
    """Step 2: the structured description. Most fields are `required=False` on purpose: the
    quality rules decide what is missing and say so with a concrete hint."""

    category = CategoryChoiceField(label=_("Topic"), queryset=Category.objects.none(), empty_label=None)
    subject = forms.CharField(label=_("Summary"), max_length=200, required=False)
    symptoms = forms.CharField(
        label=_("What happened?"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Which screen, which vouchers, what you clicked and what you saw."),
    )
    occurred_at = forms.DateTimeField(
        label=_("When did it happen?"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Your local time. Not in the future, and within the last 90 days."),
    )
    long_standing = forms.BooleanField(label=_("A long-standing problem (more than 90 days)"), required=False)
    error_message = forms.CharField(
        label=_("Exact error message"),
        required=False,
        widget=forms.Textarea(attrs=SHORT_TEXTAREA),
        help_text=_("Copy and paste it, including any error code."),
    )
    no_error_shown = forms.BooleanField(label=_("No error message was shown"), required=False)
    steps_to_reproduce = forms.CharField(
        label=_("Steps to reproduce"),
        required=False,
        widget=forms.Textarea(
            attrs={**TEXTAREA, "placeholder": _("1. open the receipt list\n2. click Generate voucher\n3. …")}
        ),
    )
    expected_result = forms.CharField(
        label=_("What did you expect?"), required=False, widget=forms.Textarea(attrs=SHORT_TEXTAREA)
    )
    actual_result = forms.CharField(
        label=_("What happened instead?"), required=False, widget=forms.Textarea(attrs=SHORT_TEXTAREA)
    )
    erp_system = forms.ChoiceField(
        label=_("ERP system"), required=False, choices=[("", _("Choose…")), *ErpSystem.choices]
    )
    erp_version = forms.CharField(
        label=_("ERP version"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "K/3 Cloud 8.1"}),
    )
    plugin_version = forms.ChoiceField(label=_("Plugin version"), required=False, choices=())
    environment = forms.CharField(
        label=_("Environment details"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_(
            "Server OS, database, ERP deployment (cloud or on-premises), network, integration account."
        ),
    )
    affected_users = forms.IntegerField(
        label=_("How many users are affected?"), required=False, min_value=1, max_value=100000
    )
    posting_blocked = forms.BooleanField(label=_("Voucher posting is blocked"), required=False)
    impact = forms.CharField(
        label=_("Impact"),
        required=False,
        widget=forms.Textarea(attrs=SHORT_TEXTAREA),
        help_text=_("E.g. month-end closing is waiting on these vouchers."),
    )
    voucher_numbers = forms.CharField(
        label=_("Voucher or receipt numbers (optional)"), max_length=500, required=False
    )
    attachments = MultipleFileField(label=_("Add files"), accept=ACCEPT_ATTRIBUTE)
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    attempt = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        attachment_count: int = 0,
        upload_errors: list | None = None,
        now: datetime | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, upload_errors=upload_errors, **kwargs)
        self.fields["category"].queryset = active_categories()
        self.fields["plugin_version"].choices = plugin_version_choices()
        self.fields["attachments"].help_text = _(
            "Up to %(count)s files: images, PDF, text or log files, Excel, ZIP; %(size)s each at most."
        ) % {
            "count": settings.ATTACHMENT_MAX_PER_MESSAGE,
            "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        }
        self.attachment_count = attachment_count
        self.now = resolve_now(now)
        self.report: QualityReport | None = None

    def clean_subject(self) -> str:
        return self.cleaned_data["subject"].strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # and the refused uploads on `attachments`
        # The score for the meter. Whether the description is good enough is the intake
        # service's decision (the same on every channel); its refusal lands on these fields.
        self.report = score_description(
            quality_fields(data),
            category=data.get("category"),
            attachment_count=self.attachment_count,
            now=self.now,
        )
        return data

    def ticket_fields(self) -> dict[str, Any]:
        """Category, summary and description, as `intake.open_ticket` takes them."""
        return {name: self.cleaned_data.get(name) for name in TICKET_FIELDS}


def quality_fields(data: dict[str, Any]) -> dict[str, Any]:
    """What score_description reads, from (possibly partial) cleaned data."""
    return {name: data.get(name) for name in [*DESCRIPTION_FIELDS, "subject"]}


def new_submission_key() -> uuid.UUID:
    return uuid.uuid4()


class DeflectForm(forms.Form):
    """“This solved my problem” on the suggestions step."""

    attempt = forms.UUIDField()
    url = forms.CharField(max_length=300)
    title = forms.CharField(max_length=200, required=False)


class CompleteDetailsForm(TicketDetailsForm):
    """The missing details of a ticket accepted although vague (phone, mail, forum): the
    wizard's form without the choice of topic, prefilled from the ticket."""

    def __init__(self, *args: Any, ticket, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {name: getattr(ticket, name) for name in TICKET_FIELDS if name != "category"}
        )
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.fields["category"].disabled = True
        self.fields["category"].initial = ticket.category_id
        for name in ("submission_key", "attempt"):
            del self.fields[name]

    def description_fields(self) -> dict[str, Any]:
        """Summary and description (the topic stays as it is)."""
        return {name: self.cleaned_data.get(name) for name in TICKET_FIELDS if name != "category"}
