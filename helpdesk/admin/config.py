"""What agents and managers configure: categories, plugin versions, canned responses."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin_site import admin_site
from core.clock import now
from helpdesk.models import CannedResponse, Category, PluginVersion, SupportStatus

from .base import KxModelAdmin


@admin.register(Category, site=admin_site)
class CategoryAdmin(TranslationAdmin, KxModelAdmin):
    # Each language's name and description side by side (helpdesk/translation.py).
    fields = [
        ("name_zh_hans", "name_en"),
        "slug",
        ("description_zh_hans", "description_en"),
        "complexity",
        "default_team",
        "requires_environment",
        "requires_attachment",
        "position",
        "is_active",
    ]
    list_display = [
        "name",
        "complexity",
        "default_team",
        "requires_environment",
        "requires_attachment",
        "position",
        "is_active",
    ]
    list_filter = ["complexity", "is_active", "default_team"]
    list_select_related = ["default_team"]
    search_fields = ["name_zh_hans", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PluginVersion, site=admin_site)
class PluginVersionAdmin(KxModelAdmin):
    list_display = [
        "version",
        "released_on",
        "support_status_display",
        "full_support_until",
        "end_of_life_on",
        "is_supported",
    ]
    list_filter = ["is_supported"]
    search_fields = ["version"]
    date_hierarchy = "released_on"

    @admin.display(description=_("support status"))
    def support_status_display(self, version: PluginVersion) -> str:
        today = timezone.localdate(now())
        return dict(SupportStatus.choices)[version.support_status(today)]


@admin.register(CannedResponse, site=admin_site)
class CannedResponseAdmin(TranslationAdmin, KxModelAdmin):
    fields = [("title_zh_hans", "title_en"), ("body_zh_hans", "body_en"), "team", "is_active"]
    list_display = ["title", "team", "is_active"]
    list_filter = ["is_active", "team"]
    list_select_related = ["team"]
    search_fields = ["title_zh_hans", "title_en", "body_zh_hans", "body_en"]
