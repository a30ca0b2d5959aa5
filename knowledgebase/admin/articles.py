"""Editors' article admin: publish/unpublish/schedule, preview, revisions with diff and restore,
drafts from resolved tickets, feedback and low-rated articles."""

import difflib

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.admin import ModelAdmin
from core.admin_site import admin_site
from knowledgebase.models import Article, ArticleFeedback, ArticleRevision, ArticleStatus, Category, Kind
from knowledgebase.selectors import versions as version_selectors
from knowledgebase.selectors.articles import feedback_summary
from knowledgebase.services import articles as svc

from .video_form import VIDEO_FIELDS, ArticleAdminForm


class CategoryPathFilter(admin.RelatedFieldListFilter):
    """Categories named by their path ("对接 / 金蝶") from one query: Category.__str__ walks up
    the tree one parent at a time, which is a query per category in a list of them."""

    def field_choices(self, field, request, model_admin):
        categories = {c.pk: c for c in Category.objects.only("pk", "name", "parent_id")}

        def path(category: Category) -> str:
            names, node, seen = [], category, set()
            while node is not None and node.pk not in seen:
                seen.add(node.pk)
                names.append(node.name)
                node = categories.get(node.parent_id)
            return " / ".join(reversed(names))

        return sorted(((pk, path(c)) for pk, c in categories.items()), key=lambda choice: choice[1])


@admin.register(Article, site=admin_site)
class ArticleAdmin(ModelAdmin):
    list_display = (
        "title",
        "kind",
        "status",
        "visibility",
        "category",
        "published_at",
        "updated_at",
        "view_count",
    )
    list_filter = ("kind", "status", "visibility", ("category", CategoryPathFilter))
    list_select_related = ("category", "category__parent")
    search_fields = ("title", "slug", "summary")
    date_hierarchy = "published_at"
    show_full_result_count = False
    autocomplete_fields = ("tags", "related", "category")
    filter_horizontal = ("plugin_versions",)
    readonly_fields = ("preview_link", "view_count", "source_ticket", "created_at", "updated_at")
    change_form_template = "knowledgebase/admin/article_change_form.html"
    form = ArticleAdminForm
    actions = ("publish_selected", "unpublish_selected", "archive_selected")
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "category", "summary", "body_md", "preview_link")}),
        (
            gettext_lazy("Publishing"),
            {"fields": ("status", "published_at", "visibility", "tags", "related", "view_count")},
        ),
        (gettext_lazy("Applies to"), {"fields": ("plugin_versions", "erp_versions")}),
        (gettext_lazy("Video"), {"classes": ("collapse",), "fields": VIDEO_FIELDS}),
        (gettext_lazy("Release note"), {"classes": ("collapse",), "fields": ("release_version",)}),
        (
            gettext_lazy("Known issue"),
            {"classes": ("collapse",), "fields": ("issue_status", "workaround_md", "fixed_in")},
        ),
        (None, {"fields": ("source_ticket", "created_at", "updated_at")}),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # Left empty, the save service derives the slug from the title.
        form.base_fields["slug"].required = False
        return form

    @admin.display(description=gettext_lazy("Preview"))
    def preview_link(self, obj: Article) -> str:
        if obj.pk is None or not obj.slug:
            # A form refused with the slug cleared has no page to preview yet.
            return "—"
        return format_html(
            '<a href="{}?preview=1" target="_blank" rel="noopener">{}</a>',
            obj.get_absolute_url(),
            _("Open preview"),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        article = (
            Article.objects.filter(pk=object_id, kind=Kind.KNOWN_ISSUE).first()
            if object_id.isdigit()
            else None
        )
        if article is not None:
            # A known issue shows the tickets it explains (knowledgebase/admin/known_issues.py).
            context["known_issue_links"] = list(version_selectors.linked_tickets(issue=article))
            context["affected_organizations"] = version_selectors.affected_organizations(issue=article)
        return super().change_view(request, object_id, form_url, extra_context=context)

    def save_model(self, request, obj, form, change):
        svc.save_article(article=obj, editor=request.user, reindex=False)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_video(form.instance)
        # Tags are saved only now, so the index entry is written after them.
        svc.index_article(article=form.instance)

    def _bulk(self, request, queryset, action, done_message):
        done = 0
        for article in queryset:
            try:
                action(article=article, editor=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{article}: {' '.join(error.messages)}", messages.ERROR)
        self.message_user(request, done_message % {"n": done}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Publish now"))
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, svc.publish_article, _("%(n)s article(s) published."))

    @admin.action(description=gettext_lazy("Unpublish (back to draft)"))
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, svc.unpublish_article, _("%(n)s article(s) unpublished."))

    @admin.action(description=gettext_lazy("Archive"))
    def archive_selected(self, request, queryset):
        def archive(*, article, editor):
            svc.unpublish_article(article=article, editor=editor, archive=True)

        self._bulk(request, queryset, archive, _("%(n)s article(s) archived."))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/revisions/", wrap(self.revisions_view), name="knowledgebase_article_revisions"),
            path(
                "<int:pk>/revisions/<int:number>/restore/",
                wrap(require_POST(self.restore_view)),
                name="knowledgebase_article_restore",
            ),
            path("from-ticket/", wrap(self.from_ticket_view), name="knowledgebase_article_from_ticket"),
            path("feedback/", wrap(self.feedback_view), name="knowledgebase_article_feedback"),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, pk: int) -> Article:
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise Http404
        return article

    def revisions_view(self, request, pk: int):
        article = self._article_or_404(request, pk)
        revisions = list(article.revisions.select_related("editor"))
        by_number = {r.number: r for r in revisions}
        diff_table = None
        old, new = _int(request.GET.get("old")), _int(request.GET.get("new"))
        if old in by_number and new in by_number:
            a, b = by_number[old], by_number[new]
            diff_table = difflib.HtmlDiff(wrapcolumn=70).make_table(
                f"{a.title}\n\n{a.body_md}\n\n{a.workaround_md}".splitlines(),
                f"{b.title}\n\n{b.body_md}\n\n{b.workaround_md}".splitlines(),
                f"r{a.number}",
                f"r{b.number}",
                context=True,
            )
        elif len(revisions) >= 2:
            old, new = revisions[1].number, revisions[0].number
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "article": article,
            "revisions": revisions,
            "diff_table": diff_table,
            "old": old,
            "new": new,
            "can_change": self.has_change_permission(request, article),
            "title": _("Revisions of “%(title)s”") % {"title": article.title},
        }
        return TemplateResponse(request, "knowledgebase/admin/revisions.html", context)

    def restore_view(self, request, pk: int, number: int):
        article = self._article_or_404(request, pk)
        if not self.has_change_permission(request, article):
            raise Http404
        revision = get_object_or_404(ArticleRevision, article=article, number=number)
        try:
            svc.restore_revision(revision=revision, editor=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, _("Revision %(n)s restored.") % {"n": number}, messages.SUCCESS)
        return redirect("admin:knowledgebase_article_change", article.pk)

    def from_ticket_view(self, request):
        from helpdesk.models import Ticket

        if not self.has_add_permission(request):
            raise Http404
        reference = (request.POST.get("ticket") or request.GET.get("ticket") or "").strip()
        error = None
        if request.method == "POST":
            pk = Ticket.pk_from_reference(reference) if reference else None
            ticket = Ticket.objects.filter(pk=pk).first() if pk else None
            if ticket is None:
                error = _("No ticket with reference %(ref)s.") % {"ref": reference}
            else:
                try:
                    article = svc.draft_article_from_ticket(ticket=ticket, editor=request.user)
                except ValidationError as exc:
                    error = " ".join(exc.messages)
                else:
                    self.message_user(request, _("Draft created from %(ref)s.") % {"ref": reference})
                    return HttpResponseRedirect(
                        reverse("admin:knowledgebase_article_change", args=[article.pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "reference": reference,
            "error": error,
            "title": _("Create article from ticket"),
        }
        return TemplateResponse(request, "knowledgebase/admin/from_ticket.html", context)

    def feedback_view(self, request):
        if not self.has_view_permission(request):
            raise Http404
        low_rated = list(feedback_summary().only("title", "slug")[:30])
        comments = list(
            ArticleFeedback.objects.exclude(comment="")
            .select_related("article", "user")
            .order_by("-created_at")[:50]
        )
        totals = ArticleFeedback.objects.aggregate(
            yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "low_rated": low_rated,
            "comments": comments,
            "totals": totals,
            "title": _("Reader feedback"),
        }
        return TemplateResponse(request, "knowledgebase/admin/feedback.html", context)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@admin.action(description=gettext_lazy("Create knowledge-base article from ticket"))
def create_article_from_ticket(modeladmin, request, queryset):
    """An action the ticket admin can list: one draft per resolved ticket selected."""
    for ticket in queryset:
        try:
            article = svc.draft_article_from_ticket(ticket=ticket, editor=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, f"{ticket}: {' '.join(error.messages)}", messages.ERROR)
        else:
            url = reverse("admin:knowledgebase_article_change", args=[article.pk])
            modeladmin.message_user(
                request,
                format_html('{}: <a href="{}">{}</a>', ticket, url, _("draft created")),
                messages.SUCCESS,
            )


__all__ = ["ArticleAdmin", "ArticleStatus", "create_article_from_ticket"]
