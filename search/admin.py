"""Editors keep the synonym groups the engine expands queries with."""

from django.contrib import admin

from core.admin import ModelAdmin
from core.admin_site import admin_site
from search.models import Synonym


@admin.register(Synonym, site=admin_site)
class SynonymAdmin(ModelAdmin):
    list_display = ("terms",)
    search_fields = ("terms",)
