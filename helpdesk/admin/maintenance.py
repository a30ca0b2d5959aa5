"""Planned maintenance windows: staff schedule them here; the portal and subscribers hear of them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_site import admin_site
from core.clock import now
from helpdesk.models import MaintenanceWindow
from helpdesk.services.maintenance import save_window

from .base import KxModelAdmin


@admin.register(MaintenanceWindow, site=admin_site)
class MaintenanceWindowAdmin(KxModelAdmin):
    list_display = [
        "title_zh_hans",
        "title_en",
        "starts_at",
        "ends_at",
        "is_published",
        "state",
        "notice_sent_at",
    ]
    list_filter = ["is_published"]
    search_fields = ["title_zh_hans", "title_en", "services_zh_hans", "services_en"]
    date_hierarchy = "starts_at"
    readonly_fields = ["notice_sent_at", "created_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["starts_at", "ends_at", "is_published"]}),
        (_("Chinese"), {"fields": ["title_zh_hans", "services_zh_hans"]}),
        (_("English"), {"fields": ["title_en", "services_en"]}),
        (None, {"fields": ["notice_sent_at", "created_by", "created_at"]}),
    ]

    @admin.display(description=_("state"))
    def state(self, window: MaintenanceWindow) -> str:
        moment = now()
        if window.ends_at <= moment:
            return _("Over")
        return _("Under way") if window.is_current(moment) else _("Upcoming")

    def save_model(self, request, obj, form, change):
        save_window(window=obj, actor=request.user)
