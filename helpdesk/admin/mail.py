"""Mail in the admin: the mailboxes (managers configure them) and the inbound record, where
agents accept or discard what was held for review."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_site import admin_site
from helpdesk.mail import inbound
from helpdesk.models import InboundMessage, Mailbox

from .base import KxModelAdmin, ReadOnlyAdmin

SECRETS = ("imap_password", "relay_secret")


class MailboxForm(forms.ModelForm):
    class Meta:
        model = Mailbox
        fields = [
            "name",
            "address",
            "source",
            "path",
            "imap_host",
            "imap_port",
            "imap_username",
            "imap_password",
            "imap_folder",
            "relay_secret",
            "category",
            "team",
            "unknown_sender",
            "default_organization",
            "is_active",
        ]
        widgets = {
            # Kept when left blank on edit; never shown back.
            "imap_password": forms.PasswordInput(render_value=False),
            "relay_secret": forms.PasswordInput(render_value=False),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in SECRETS:
                if name in self.fields:  # left out for those who may only view
                    self.fields[name].help_text = _("Leave blank to keep the current value.")

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            for name in SECRETS:
                if name in self.fields and not data.get(name):
                    data[name] = getattr(Mailbox.objects.get(pk=self.instance.pk), name)
                    setattr(self.instance, name, data[name])
        return data


@admin.register(Mailbox, site=admin_site)
class MailboxAdmin(KxModelAdmin):
    form = MailboxForm
    list_display = [
        "name",
        "address",
        "source",
        "category",
        "team",
        "unknown_sender",
        "is_active",
        "last_fetched_at",
        "short_error",
    ]
    list_filter = ["source", "is_active"]
    list_select_related = ["category", "team"]
    autocomplete_fields = ["default_organization"]
    readonly_fields = ["last_fetched_at", "last_error", "relay_url"]

    @admin.display(description=_("last error"))
    def short_error(self, mailbox: Mailbox) -> str:
        return Truncator(mailbox.last_error).chars(80)

    @admin.display(description=_("relay endpoint"))
    def relay_url(self, mailbox: Mailbox) -> str:
        if not mailbox.pk or mailbox.source != Mailbox.Source.RELAY:
            return "—"
        return settings.PORTAL_BASE_URL + reverse("helpdesk:mail_relay", kwargs={"mailbox_id": mailbox.pk})

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not self.has_change_permission(request, obj):  # viewers never see the secrets
            fields = [name for name in fields if name not in SECRETS]
        return fields


@admin.register(InboundMessage, site=admin_site)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "from_address", "subject", "mailbox", "outcome", "reason", "ticket_link"]
    list_filter = ["outcome", "reason", "mailbox"]
    list_select_related = ["mailbox", "ticket"]
    search_fields = ["from_address", "subject", "message_id"]
    show_full_result_count = False
    date_hierarchy = "received_at"
    actions = ["accept", "discard"]
    readonly_fields = [
        "mailbox",
        "message_id",
        "from_address",
        "subject",
        "received_at",
        "size",
        "outcome",
        "reason",
        "detail",
        "ticket",
        "ticket_message",
        "reviewed_by",
    ]
    fields = readonly_fields

    @admin.display(description=_("ticket"), ordering="ticket")
    def ticket_link(self, record: InboundMessage) -> str:
        return record.ticket.reference if record.ticket_id else "—"

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("helpdesk.change_inboundmessage")

    def _each(self, request, queryset, apply, done_message):
        done = 0
        for record in queryset.filter(outcome=InboundMessage.Outcome.HELD).select_related("mailbox"):
            try:
                apply(record)
            except (ValidationError, OSError) as refused:
                text = " ".join(getattr(refused, "messages", [str(refused)]))
                self.message_user(request, f"{record}: {text}", messages.ERROR)
                continue
            done += 1
        self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Accept: open the ticket or post the reply"), permissions=["review"])
    def accept(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda record: inbound.release(record=record, reviewer=request.user),
            lambda count: (
                ngettext("%(count)d message accepted.", "%(count)d messages accepted.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Discard"), permissions=["review"])
    def discard(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda record: inbound.discard(record=record, reviewer=request.user),
            lambda count: (
                ngettext("%(count)d message discarded.", "%(count)d messages discarded.", count)
                % {"count": count}
            ),
        )
