"""The knowledge base's list filters (the API's allow-list)."""

import django_filters

from knowledgebase.models import Article, IssueStatus, Kind


class ArticleFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Kind.choices)
    category = django_filters.CharFilter(field_name="category__slug", help_text="KB category slug.")
    tag = django_filters.CharFilter(field_name="tags__name", distinct=True)
    issue_status = django_filters.ChoiceFilter(choices=IssueStatus.choices, help_text="Known issues.")
    plugin_version = django_filters.CharFilter(
        field_name="plugin_versions__version", distinct=True, help_text="Known issues affecting this version."
    )
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Article
        fields = []
