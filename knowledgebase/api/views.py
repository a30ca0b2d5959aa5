"""The knowledge base over the API: what the caller may read on the site, nothing more.

Reads go through knowledgebase.selectors (published, past their publication time, visible
to the caller); search goes through search.selectors, public kinds only (the same index
holds agents-only ticket documents).
"""

from dataclasses import replace

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.api.base import ApiViewSetMixin
from helpdesk.api.filtering import RejectUnknownParameters
from helpdesk.api.pagination import NumberedPagination
from helpdesk.api.permissions import HasKeyScope
from helpdesk.models import ApiScope
from knowledgebase.forms import public_kind_choices, public_kinds
from knowledgebase.models import Category, Kind
from knowledgebase.selectors import articles as selectors
from search.selectors import search

from .filters import ArticleFilter
from .serializers import (
    ArticleSerializer,
    ArticleSummarySerializer,
    KbCategorySerializer,
    SearchResultsSerializer,
)

KB_READ = ApiScope.KB_READ.value
SEARCH_PAGE_SIZE = 20


class KbReadMixin(ApiViewSetMixin):
    """Readable without signing in, as on the site; a key needs `kb:read`."""

    permission_classes = [AllowAny, HasKeyScope]
    read_scope = KB_READ


class KbCategoryViewSet(KbReadMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.select_related("parent").order_by("position", "name", "pk")
    serializer_class = KbCategorySerializer
    pagination_class = NumberedPagination
    lookup_field = "slug"
    lookup_value_regex = r"[^/]+"


class ArticleViewSet(KbReadMixin, viewsets.ReadOnlyModelViewSet):
    """Every kind of content; the kind endpoints below are the same list with the kind fixed."""

    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    pagination_class = NumberedPagination
    ordering_fields = ["published_at", "updated_at", "title", "view_count"]
    search_fields = ["title", "summary"]
    lookup_field = "slug"
    lookup_value_regex = r"[^/]+"
    kind: str | None = None

    def get_queryset(self):
        qs = self.articles().select_related("category", "release_version", "fixed_in")
        if self.action == "list":
            return qs
        return qs.prefetch_related("tags", "plugin_versions")

    def articles(self):
        qs = selectors.visible_articles(user=self.request.user)
        return qs.filter(kind=self.kind) if self.kind else qs

    def get_serializer_class(self):
        return ArticleSummarySerializer if self.action == "list" else ArticleSerializer

    def get_object(self):
        article = selectors.access_article(user=self.request.user, slug=self.kwargs["slug"])
        if self.kind and article.kind != self.kind:
            raise Http404
        return article


class FaqViewSet(ArticleViewSet):
    kind = Kind.FAQ


class VideoViewSet(ArticleViewSet):
    kind = Kind.VIDEO

    def articles(self):
        return selectors.videos(user=self.request.user)


class ReleaseNoteViewSet(ArticleViewSet):
    kind = Kind.RELEASE_NOTE
    ordering = None

    def articles(self):
        return selectors.release_notes(user=self.request.user)


class KnownIssueViewSet(ArticleViewSet):
    kind = Kind.KNOWN_ISSUE

    def articles(self):
        return selectors.known_issues(user=self.request.user)


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(max_length=200, help_text="What to look for (Chinese or English).")
    kind = serializers.MultipleChoiceField(
        choices=(), required=False, help_text="Repeat to ask for several kinds."
    )
    page = serializers.IntegerField(min_value=1, max_value=50, default=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = public_kind_choices()


class SearchView(KbReadMixin, APIView):
    """The shared search: knowledge base, FAQ, videos, release notes, known issues and solved
    forum topics, ranked as on the portal's search page."""

    filter_backends = [RejectUnknownParameters]
    extra_query_params = ("q", "kind", "page")

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="What to look for."),
            OpenApiParameter(
                "kind", str, many=True, description="article, faq, video, release_note, known_issue or topic."
            ),
            OpenApiParameter("page", int, description="1 to 50."),
        ],
        responses=SearchResultsSerializer,
        summary="Search the knowledge base and the forum",
    )
    def get(self, request, format=None):
        RejectUnknownParameters().filter_queryset(request, None, self)
        data = request.query_params
        values = {"kind": data.getlist("kind"), "page": data.get("page", 1)}
        if "q" in data:
            values["q"] = data["q"]
        query = SearchQuery(data=values)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        page = values["page"]
        results = search(
            query=values["q"],
            user=request.user,
            kinds=sorted(values.get("kind") or public_kinds()),
            limit=SEARCH_PAGE_SIZE,
            offset=(page - 1) * SEARCH_PAGE_SIZE,
        )
        hits = [replace(hit, url=request.build_absolute_uri(hit.url)) for hit in results.hits]
        answer = {
            "query": results.query,
            "total": results.total,
            "total_capped": results.total_capped,
            "page": page,
            "has_next": results.total > page * SEARCH_PAGE_SIZE,
            "hits": hits,
        }
        return Response(SearchResultsSerializer(answer).data)
