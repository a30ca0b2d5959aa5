"""Admin for categories, tags, synonyms, feedback, training and search analytics."""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin

from core.admin import ModelAdmin
from core.admin_site import admin_site
from core.clock import resolve_now
from core.registry import report_measures
from knowledgebase.models import (
    ArticleFeedback,
    ArticleRevision,
    Category,
    SearchQuery,
    Tag,
    TrainingSession,
    TrainingSignup,
)
from knowledgebase.selectors import analytics


@admin.register(Category, site=admin_site)
class CategoryAdmin(TranslationAdmin, ModelAdmin):
    # Each language's name and description side by side (knowledgebase/translation.py).
    fields = (
        ("name_zh_hans", "name_en"),
        "slug",
        "parent",
        ("description_zh_hans", "description_en"),
        "position",
    )
    list_display = ("__str__", "slug", "position")
    list_select_related = ("parent", "parent__parent")
    search_fields = ("name_zh_hans", "name_en", "slug")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag, site=admin_site)
class TagAdmin(ModelAdmin):
    search_fields = ("name",)


@admin.register(ArticleFeedback, site=admin_site)
class ArticleFeedbackAdmin(ModelAdmin):
    list_display = ("article", "helpful", "comment", "user", "created_at")
    list_filter = ("helpful",)
    list_select_related = ("article", "user")
    search_fields = ("article__title", "comment")
    readonly_fields = ("article", "user", "session_key", "helpful", "comment", "created_at")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(ArticleRevision, site=admin_site)
class ArticleRevisionAdmin(ModelAdmin):
    list_display = ("article", "number", "editor", "note", "created_at")
    list_select_related = ("article", "editor")
    search_fields = ("article__title",)
    readonly_fields = (
        "article",
        "number",
        "title",
        "summary",
        "body_md",
        "workaround_md",
        "editor",
        "note",
        "created_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SignupInline(admin.TabularInline):
    model = TrainingSignup
    extra = 0
    readonly_fields = ("user", "created_at")
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TrainingSession, site=admin_site)
class TrainingSessionAdmin(ModelAdmin):
    list_display = ("title", "starts_at", "capacity", "seats_taken", "is_cancelled", "recording")
    list_filter = ("is_cancelled",)
    list_select_related = ("recording",)
    search_fields = ("title",)
    autocomplete_fields = ("recording",)
    inlines = (SignupInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(taken=Count("signups"))

    @admin.display(description=gettext_lazy("seats taken"), ordering="taken")
    def seats_taken(self, obj) -> int:
        return obj.taken


@admin.register(SearchQuery, site=admin_site)
class SearchQueryAdmin(ModelAdmin):
    """The changelist is the analytics page: top queries, empty results, searches before a ticket."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        days = 30 if request.GET.get("days") not in {"7", "90"} else int(request.GET["days"])
        end = resolve_now(None)
        start = end - timedelta(days=days)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Search analytics"),
            "days": days,
            "summary": analytics.search_summary(start=start, end=end),
            "top": analytics.top_queries(start=start, end=end),
            "empty": analytics.zero_result_queries(start=start, end=end),
            "followed": analytics.queries_followed_by_ticket(start=start, end=end),
            "deflection": report_measures.get("deflection").compute(start=start, end=end),
            # One click from a query nobody found an answer for to the fix: a synonym that
            # maps the customer's words to the articles' words, or the missing article.
            "can_add_synonym": request.user.has_perm("search.add_synonym"),
            "can_add_article": request.user.has_perm("knowledgebase.add_article"),
        }
        return TemplateResponse(request, "knowledgebase/admin/analytics.html", context)
