"""The forum's list filters (the API's allow-list)."""

import django_filters

from community.models import Topic


class TopicFilter(django_filters.FilterSet):
    board = django_filters.CharFilter(field_name="board__slug", help_text="Board slug.")
    tag = django_filters.CharFilter(field_name="tags__name", distinct=True)
    solved = django_filters.BooleanFilter(field_name="is_solved")
    unanswered = django_filters.BooleanFilter(method="filter_unanswered")

    class Meta:
        model = Topic
        fields = []

    def filter_unanswered(self, queryset, name, value):
        return queryset.filter(reply_count=0) if value else queryset.exclude(reply_count=0)
