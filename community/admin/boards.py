"""Boards and tags: configuration staff edit directly (like ticket categories)."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from core.admin import ModelAdmin
from core.admin_site import admin_site

from ..models import Board, Tag


@admin.register(Board, site=admin_site)
class BoardAdmin(TranslationAdmin, ModelAdmin):
    # Each language's name and description side by side (community/translation.py).
    fields = (
        ("name_zh_hans", "name_en"),
        "slug",
        ("description_zh_hans", "description_en"),
        "position",
        "read_audience",
        "topic_audience",
        "reply_audience",
        "requires_approval",
        "erp_system",
        "ticket_category",
        "topic_count",
        "post_count",
        "last_activity_at",
    )
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
    search_fields = ("name_zh_hans", "name_en", "slug")
    readonly_fields = ("topic_count", "post_count", "last_activity_at")
    autocomplete_fields = ("ticket_category",)


@admin.register(Tag, site=admin_site)
class TagAdmin(ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)
