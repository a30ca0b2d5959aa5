"""Records services write and nobody edits: the audit trail and ratings."""

from django.contrib import admin

from core.admin_site import admin_site
from helpdesk.models import SatisfactionRating, TicketEvent

from .base import ReadOnlyAdmin


@admin.register(TicketEvent, site=admin_site)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ticket", "kind", "actor", "old_value", "new_value"]
    list_filter = ["kind"]
    list_select_related = ["ticket", "actor"]
    search_fields = ["ticket__subject", "new_value", "old_value"]
    show_full_result_count = False
    ordering = ["-created_at", "-pk"]
    fields = ["ticket", "kind", "actor", "old_value", "new_value", "data", "created_at"]
    readonly_fields = fields


@admin.register(SatisfactionRating, site=admin_site)
class SatisfactionRatingAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "score", "surveyed_at", "rated_at"]
    list_filter = ["score"]
    list_select_related = ["ticket"]
    search_fields = ["comment", "ticket__subject"]
    show_full_result_count = False
    # The token is a single-use credential: never shown.
    fields = ["ticket", "score", "comment", "surveyed_at", "rated_at"]
    readonly_fields = fields
