"""Boards and tags: configuration staff edit directly (like ticket categories)."""

from django.contrib import admin

from core.admin import ModelAdmin
from core.admin_site import admin_site

from ..models import Board, Tag


@admin.register(Board, site=admin_site)
class BoardAdmin(ModelAdmin):
    list_display = (
        "name",
        "slug",
        "position",
        "read_audience",
        "topic_audience",
        "reply_audience",
        "requires_approval",
        "topic_count",
        "post_count",
    )
    list_editable = ("position",)
    list_filter = ("read_audience", "topic_audience", "requires_approval")
    search_fields = ("name", "slug")
    readonly_fields = ("topic_count", "post_count", "last_activity_at")
    autocomplete_fields = ("ticket_category",)


@admin.register(Tag, site=admin_site)
class TagAdmin(ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)
