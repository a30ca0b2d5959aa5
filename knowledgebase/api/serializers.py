"""Knowledge-base content as integrators read it: published, visible to the caller, rendered HTML."""

from rest_framework import serializers

from helpdesk.api.serializers import APIModelSerializer, UTCDateTimeField
from knowledgebase.models import Article, Category


class KbCategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Category
        fields = ["id", "name", "slug", "parent", "description", "position"]
        read_only_fields = fields


class ArticleSummarySerializer(APIModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField(help_text="The article's page on the portal.")

    class Meta:
        model = Article
        fields = ["id", "kind", "title", "slug", "summary", "category", "published_at", "updated_at", "url"]
        read_only_fields = fields

    def get_url(self, article: Article) -> str:
        request = self.context.get("request")
        path = article.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


class ArticleSerializer(ArticleSummarySerializer):
    body_html = serializers.CharField(read_only=True, help_text="Sanitised HTML rendered from Markdown.")
    workaround_html = serializers.CharField(read_only=True, help_text="Known issues: the workaround.")
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    plugin_versions = serializers.SlugRelatedField(slug_field="version", many=True, read_only=True)
    release_version = serializers.SlugRelatedField(slug_field="version", read_only=True)
    fixed_in = serializers.SlugRelatedField(slug_field="version", read_only=True)
    video_embed_url = serializers.URLField(read_only=True)

    class Meta(ArticleSummarySerializer.Meta):
        fields = [
            *ArticleSummarySerializer.Meta.fields,
            "body_html",
            "tags",
            "erp_versions",
            "plugin_versions",
            "video_embed_url",
            "release_version",
            "issue_status",
            "workaround_html",
            "fixed_in",
        ]
        read_only_fields = fields


class SearchHitSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField(help_text="The page of the hit, on the portal.")
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: escaped text with <mark> around the matched words.")
    score = serializers.FloatField()
    solved = serializers.BooleanField()
    changed_at = UTCDateTimeField(allow_null=True)


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    total = serializers.IntegerField()
    total_capped = serializers.BooleanField(help_text="`total` is a lower bound.")
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = SearchHitSerializer(many=True, source="hits")
