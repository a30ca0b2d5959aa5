"""The mail outbox as agents see it: what was sent, what is stuck, and a way to retry."""

from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_site import admin_site
from helpdesk.models import OutboundEmail
from helpdesk.services.outbox import retry_now

from .base import ReadOnlyAdmin


@admin.register(OutboundEmail, site=admin_site)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = [
        "subject",
        "recipients",
        "kind",
        "state",
        "attempts",
        "short_error",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["state", "kind"]
    list_select_related = ["ticket"]
    search_fields = ["subject"]
    show_full_result_count = False
    actions = ["retry"]
    readonly_fields = [
        "to",
        "subject",
        "body",
        "reply_to",
        "headers",
        "kind",
        "ticket",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "claimed_at",
        "claimed_until",
        "sent_at",
        "message_id",
        "created_at",
    ]

    @admin.display(description=_("to"))
    def recipients(self, email: OutboundEmail) -> str:
        return ", ".join(email.to)

    @admin.display(description=_("last error"))
    def short_error(self, email: OutboundEmail) -> str:
        return Truncator(email.last_error).chars(80)

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("helpdesk.change_outboundemail")

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry(self, request, queryset):
        count = retry_now(email_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d email queued for sending.", "%(count)d emails queued for sending.", count)
            % {"count": count},
            messages.SUCCESS,
        )
