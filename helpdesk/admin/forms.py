"""Forms of the agent workspace: ticket properties, opening a ticket on a customer's behalf,
the reply box and the intermediate pages of bulk actions."""

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.clock import now
from core.forms import MultipleFileField, add_service_errors
from helpdesk.models import (
    CannedResponse,
    Category,
    Channel,
    Priority,
    Status,
    Ticket,
    TicketMessage,
    User,
)
from helpdesk.models.tickets import DESCRIPTION_FIELDS
from helpdesk.services import intake
from helpdesk.services.attachments import ACCEPT_ATTRIBUTE, validate_upload
from helpdesk.services.notifications import language_of
from helpdesk.services.versions import StaleTicket, ensure_current, version_of


def active_agents():
    return User.objects.filter(is_staff=True, is_active=True).order_by("full_name", "email")


class TicketChangeForm(forms.ModelForm):
    """The properties an agent may change on an existing ticket; the admin saves them
    through the services, so this form only checks that each change is allowed. It carries
    the version the agent saw, so a stale page never overwrites someone else's change."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Ticket
        fields = ["status", "priority", "assignee", "team", "category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = active_agents()
        if self.instance.pk:
            self.fields["version"].initial = version_of(self.instance)

    def clean(self):
        cleaned = super().clean()
        ticket = self.instance
        if ticket.pk:
            try:
                ensure_current(ticket, expected_version=cleaned.get("version"))
            except StaleTicket as stale:
                raise ValidationError(stale.messages) from None
        if ticket.pk and ticket.merged_into_id is not None:
            raise ValidationError(
                _("This ticket was merged into %(ref)s; work on that ticket instead."),
                params={"ref": f"KX-{ticket.merged_into_id:06d}"},
            )
        status = cleaned.get("status")
        if ticket.pk and status and status != ticket.status:
            try:
                ticket.check_transition(status)
            except ValidationError as error:
                self.add_error("status", error)
        return cleaned


# Channels an agent records when opening a ticket for a customer; web, API and forum
# tickets come in through their own doors.
AGENT_CHANNELS = [(c.value, c.label) for c in (Channel.PHONE, Channel.CHAT, Channel.EMAIL)]
ADD_DETAIL_FIELDS = list(DESCRIPTION_FIELDS)


class TicketAddForm(forms.ModelForm):
    """An agent opens a ticket for a customer who called, chatted or emailed."""

    channel = forms.ChoiceField(label=_("channel"), choices=AGENT_CHANNELS, initial=Channel.PHONE)
    # A double click or a resubmitted page creates one ticket (open_ticket deduplicates).
    form_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    class Meta:
        model = Ticket
        fields = ["requester", "channel", "category", "priority", "subject", *ADD_DETAIL_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["requester"].queryset = User.objects.filter(
            is_staff=False, is_active=True, customer_profile__isnull=False
        )
        self.fields["requester"].help_text = _("Search customers by email or name.")

    def clean_requester(self):
        requester = self.cleaned_data["requester"]
        if getattr(requester, "customer_profile", None) is None:
            raise ValidationError(_("This person belongs to no customer organization."))
        return requester

    def clean(self):
        cleaned = super().clean()
        requester = cleaned.get("requester")
        if requester is not None and cleaned.get("category") is not None and not self.errors:
            # The intake's own checks, so a refusal shows on this form with the input kept.
            try:
                intake.prepare_ticket(
                    requester=requester,
                    channel=cleaned["channel"],
                    fields=self.ticket_fields(),
                    attachment_count=0,
                    policy=intake.CHANNEL_POLICY[cleaned["channel"]],
                    priority=cleaned.get("priority"),
                    now=now(),
                )
            except ValidationError as error:
                add_service_errors(self, error)
        return cleaned

    def ticket_fields(self) -> dict:
        """Category, summary and description, as `intake.open_ticket` takes them."""
        return {name: self.cleaned_data[name] for name in intake.TICKET_FIELDS if name in self.cleaned_data}


class ReplyForm(forms.Form):
    """The reply box under the conversation: a public reply or an internal note."""

    PUBLIC = TicketMessage.Kind.PUBLIC_REPLY
    NOTE = TicketMessage.Kind.INTERNAL_NOTE

    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[(PUBLIC, _("Public reply")), (NOTE, _("Internal note"))],
        initial=PUBLIC,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "kx-reply-body"}),
    )
    canned = forms.ModelChoiceField(
        label=_("Canned response"),
        queryset=CannedResponse.objects.none(),
        required=False,
        empty_label=_("Insert a canned response…"),
    )
    status = forms.ChoiceField(label=_("Then set status to"), required=False)
    attachments = MultipleFileField(label=_("Attachments"), accept=ACCEPT_ATTRIBUTE)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.fields["canned"].queryset = canned_responses_for(ticket)
        allowed = sorted(
            (s for s in Status if s != ticket.status and _transition_ok(ticket, s)),
            key=list(Status).index,
        )
        self.fields["status"].choices = [("", _("— keep current status —"))] + [
            (s.value, s.label) for s in allowed
        ]

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if len(files) > settings.ATTACHMENT_MAX_PER_MESSAGE:
            raise ValidationError(
                _("Attach at most %(count)s files to one message."),
                params={"count": settings.ATTACHMENT_MAX_PER_MESSAGE},
            )
        for upload in files:
            validate_upload(upload)
        return files

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == self.NOTE and cleaned.get("status"):
            self.add_error("status", _("Internal notes do not change the status; use a public reply."))
        return cleaned

    def body_with_canned(self) -> str:
        """The typed text with the chosen canned response appended (the no-JS insert)."""
        body = (self.data.get("body") or "").rstrip()
        canned = self.cleaned_data.get("canned") if hasattr(self, "cleaned_data") else None
        if canned is None:
            return body
        with translation.override(language_of(self.ticket.requester)):
            text = canned.body
        return f"{body}\n\n{text}" if body else text


def _transition_ok(ticket: Ticket, status: str) -> bool:
    try:
        ticket.check_transition(status)
    except ValidationError:
        return False
    return True


def canned_responses_for(ticket: Ticket):
    """Macros for every team plus those of the ticket's team."""
    team_filter = Q(team__isnull=True) | Q(team_id=ticket.team_id) if ticket.team_id else Q(team__isnull=True)
    return CannedResponse.objects.filter(team_filter, is_active=True).order_by("title")


class StatusActionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s.value, s.label) for s in Status if s != Status.NEW],
    )


class PriorityActionForm(forms.Form):
    priority = forms.ChoiceField(label=_("New priority"), choices=Priority.choices)


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Keep this ticket"),
        queryset=Ticket.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("The other selected tickets are merged into it and closed."),
    )

    def __init__(self, *args, tickets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = tickets
        self.fields["target"].label_from_instance = lambda t: f"{t.reference} — {t.subject}"
