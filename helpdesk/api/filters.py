"""One FilterSet per model, shared by the API list and anything else that lists tickets.

People and teams are named by what the caller already sees (an email, a team name), never
by database ids, and free-text filters do not validate against other users: a customer
cannot probe which staff addresses exist.
"""

import django_filters
from django.db.models import Q

from helpdesk.models import Channel, Priority, Status, Ticket


class TicketFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    category = django_filters.CharFilter(field_name="category__slug", help_text="Category slug.")
    team = django_filters.CharFilter(field_name="team__name", help_text="Team name.")
    assignee = django_filters.CharFilter(field_name="assignee__email", help_text="The agent's email.")
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull")
    organization = django_filters.CharFilter(field_name="organization__name", help_text="Organization name.")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    breached = django_filters.BooleanFilter(method="filter_breached")

    class Meta:
        model = Ticket
        fields = []

    def filter_breached(self, queryset, name, value):
        breached = (
            Q(first_response_breached=True) | Q(resolution_breached=True) | Q(next_response_breached=True)
        )
        return queryset.filter(breached) if value else queryset.exclude(breached)
