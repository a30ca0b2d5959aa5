"""One FilterSet per model, shared by the API list and anything else that lists tickets."""

import django_filters

from helpdesk.models import Channel, Priority, Status, Ticket


class TicketFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    breached = django_filters.BooleanFilter(method="filter_breached")

    class Meta:
        model = Ticket
        fields = ["status", "priority", "channel", "category", "team", "assignee", "organization"]

    def filter_breached(self, queryset, name, value):
        from django.db.models import Q

        breached = (
            Q(first_response_breached=True) | Q(resolution_breached=True) | Q(next_response_breached=True)
        )
        return queryset.filter(breached) if value else queryset.exclude(breached)
